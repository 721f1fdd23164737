import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { randomUuid } from '../src/io/runtime.js';
import { runCli, tempDir } from './helpers/cli.js';

const V4 = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

describe('randomUuid', () => {
  it('makes version 4 UUIDs, none twice, across many reads of the system source', () => {
    // 4 KiB a read, 16 bytes a UUID: 2,000 of them take several reads.
    const made = Array.from({ length: 2000 }, randomUuid);
    for (const uuid of made) expect(uuid).toMatch(V4);
    expect(new Set(made).size).toBe(made.length);
  });

  it('spreads its bits: every hex digit of the random part takes many values', () => {
    const made = Array.from({ length: 500 }, () => randomUuid().replaceAll('-', ''));
    for (const at of [0, 7, 12 + 1, 16 + 1, 31]) {
      expect(new Set(made.map((u) => u[at])).size).toBeGreaterThan(8);
    }
  });
});

/** Runs the built command; says whether node:crypto was loaded by the time it exited. */
async function loadsCrypto(args: string[]): Promise<{ loaded: boolean; stdout: string }> {
  const dir = tempDir();
  const probe = path.join(dir, 'probe.cjs');
  writeFileSync(
    probe,
    "process.on('exit', () => process.stderr.write(`crypto: ${process.moduleLoadList.includes('NativeModule crypto')}\\n`));",
  );
  const r = await runCli(args, { cwd: dir, env: { NODE_OPTIONS: `--require ${probe}` } });
  expect(r.code).toBe(0);
  const m = /crypto: (true|false)/.exec(r.stderr);
  expect(m, r.stderr).not.toBeNull();
  return { loaded: m![1] === 'true', stdout: r.stdout };
}

describe('payload start-up', () => {
  it('prints a fresh body without loading node:crypto: its id comes from the system source', async () => {
    const first = await loadsCrypto(['payload', 'work_order.created']);
    const second = await loadsCrypto(['payload', 'work_order.created']);
    expect(first.loaded).toBe(false);
    const id = (out: string) => (JSON.parse(out) as { id: string }).id;
    expect(id(first.stdout)).toMatch(/^evt-[0-9a-f]{20}$/);
    expect(id(first.stdout)).not.toBe(id(second.stdout));
  });

  it('loads it to sign, when the headers are shown', async () => {
    const shown = await loadsCrypto(['payload', 'work_order.created', '--headers']);
    expect(shown.loaded).toBe(true);
    expect(shown.stdout).toMatch(/^x-mes-signature: [0-9a-f]{64}$/m);
  });
});
