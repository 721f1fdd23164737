import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { formatMs } from '../src/ui/render.js';
import { runCli, tempDir } from './helpers/cli.js';
import { testScope } from './helpers/scope.js';

const { receiver } = testScope();

describe('durations on the terminal', () => {
  it('keeps what a sub-0.1 ms duration says', () => {
    expect(formatMs(0.06)).toBe('0.06 ms');
    expect(formatMs(0.004)).toBe('<0.01 ms');
    expect(formatMs(0)).toBe('<0.01 ms');
    expect(formatMs(0.25)).toBe('0.3 ms');
    expect(formatMs(9.94)).toBe('9.9 ms');
    expect(formatMs(12.4)).toBe('12 ms');
  });

  it('logs and logs show print a logged 0.06 ms as 0.06 ms, not 0.0 ms', async () => {
    const app = await receiver();
    const cwd = tempDir();
    expect((await runCli(['send', 'work_order.created', '--to', app.url], { cwd })).code).toBe(0);
    // The log as a delivery answered in 0.06 ms left it.
    const file = path.join(cwd, '.mes-webhooks', 'deliveries.jsonl');
    const record = JSON.parse(readFileSync(file, 'utf8'));
    writeFileSync(file, `${JSON.stringify({ ...record, durationMs: 0.06 })}\n`);
    const list = await runCli(['logs'], { cwd });
    expect(list.code).toBe(0);
    expect(list.stdout).toMatch(/\s0\.06 ms\s/);
    expect(list.stdout).not.toMatch(/0\.0 ms/);
    const show = await runCli(['logs', 'show', record.deliveryId], { cwd });
    expect(show.stdout).toMatch(/200 in 0\.06 ms/);
  });
});
