import { Chalk } from 'chalk';
import { describe, expect, it } from 'vitest';
import { colorAt, plainColor } from '../src/ui/plain.js';

describe('plainColor', () => {
  const chalk = new Chalk({ level: 0 });

  it('gives back what chalk at level 0 gives back, however styles are chained', () => {
    const calls: [string, (c: typeof chalk) => string][] = [
      ['one style', (c) => c.red('text')],
      ['chained styles', (c) => c.bold.green.dim('text')],
      ['several arguments', (c) => c.yellow('a', 'b', 3)],
      ['a number', (c) => c.cyan(42)],
      ['nothing', (c) => c.dim()],
      ['text with its own escapes', (c) => c.red('\u001b[1mx\u001b[22m')],
    ];
    for (const [name, call] of calls) expect(call(plainColor), name).toBe(call(chalk));
    expect(plainColor.level).toBe(0);
  });

  it('is not taken for a promise, so it can be awaited and returned from async code', async () => {
    await expect(colorAt(0)).resolves.toBe(plainColor);
    expect((plainColor as unknown as { then?: unknown }).then).toBeUndefined();
  });

  it('is chalk itself when there is colour to show', async () => {
    const colored = await colorAt(1);
    expect(colored.level).toBe(1);
    expect(colored.red('x')).toBe('\u001b[31mx\u001b[39m');
  });
});
