import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli, tempDir } from './helpers/cli.js';

describe('messages name the flag once, and name it', () => {
  it('a lossy --set value names --set once', async () => {
    const res = await runCli(['payload', 'work_order.created', '--set', 'data.x=12345678901234567890']);
    expect(res.code).toBe(2);
    expect(res.stderr).toMatch(
      /^Error: --set: the value 12345678901234567890 holds an integer beyond 2\^53/m,
    );
    expect(res.stderr.split('\n')[0]!.match(/--set/g)).toHaveLength(1);
  });

  it('a --data file holding an array (or another non-object) names --data and the file', async () => {
    const cwd = tempDir();
    writeFileSync(path.join(cwd, 'list.json'), '[1, 2]');
    writeFileSync(path.join(cwd, 'text.json'), '"x"');
    const list = await runCli(['payload', 'work_order.created', '--data', 'list.json'], { cwd });
    expect(list.code).toBe(2);
    expect(list.stderr).toBe(
      `Error: --data file ${path.join(cwd, 'list.json')} must hold one JSON object, not an array\n`,
    );
    const text = await runCli(
      ['send', 'work_order.created', '--data', 'text.json', '--to', 'http://127.0.0.1:9/'],
      {
        cwd,
      },
    );
    expect(text.code).toBe(2);
    expect(text.stderr).toMatch(/--data file \S+text\.json must hold one JSON object, not a string/);
  });

  it('a scenario step\'s own "set" value is named as the step\'s, not as --set', async () => {
    const cwd = tempDir();
    writeFileSync(
      path.join(cwd, 'typo.json'),
      JSON.stringify({
        name: 'typo',
        description: 'a mistyped field',
        steps: [
          { event: 'work_order.created' },
          { event: 'work_order.started', set: { 'data.workOrder.sttus': 'X' } },
        ],
      }),
    );
    const res = await runCli(['scenario', 'typo.json', '--strict'], { cwd });
    expect(res.code).toBe(2);
    expect(res.stderr).toMatch(
      /^Error: step 2's "set" data\.workOrder\.sttus: work_order\.started has no such field; did you mean data\.workOrder\.status\?/m,
    );
    expect(res.stderr).not.toMatch(/--set data/);
  });
});
