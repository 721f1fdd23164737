import { cpSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { BIN, runCli, tempDir } from './helpers/cli.js';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const PACKS = ['code-cache.bin', 'code-cache-liftoff.bin'].map((name) =>
  path.join(ROOT, 'dist', 'bundle', name),
);

/** A copy of the built command (payload needs no package from node_modules), its cache gone or garbage. */
function copyOfBuild(withCache: 'none' | 'corrupt'): string {
  const dir = tempDir('mes-webhooks-build-');
  for (const part of ['bin', 'dist', 'fixtures', 'package.json'])
    cpSync(path.join(ROOT, part), path.join(dir, part), { recursive: true });
  const pack = path.join(dir, 'dist', 'bundle', 'code-cache.bin');
  if (withCache === 'none') rmSync(pack);
  else {
    // The index intact, every cache in it garbage.
    const bytes = readFileSync(pack);
    const start = 4 + bytes.readUInt32LE(0);
    bytes.fill(0x5a, start);
    writeFileSync(pack, bytes);
  }
  return dir;
}

describe('the bundle loader', () => {
  it.each(PACKS)('has a code cache from the build: %s', (pack) => {
    const bytes = readFileSync(pack);
    const index = JSON.parse(bytes.toString('utf8', 4, 4 + bytes.readUInt32LE(0))) as Record<string, unknown>;
    expect(Object.keys(index)).toContain('cli.js');
  });

  it.each([
    [['--help']],
    [['events', '--json']],
    [['payload', 'work_order.created']],
    [['send', 'work_order.created']],
    [['retry', 'work_order.created', '--dry-run']],
  ])('starts %j from the cache alone, none of it refused by V8', async (args) => {
    const res = await runCli(args, { env: { MES_WEBHOOKS_CODE_CACHE: 'check' } });
    expect(res.code).toBe(0);
    // A V8 flag changed at run time, or a cache made under other flags, would show here.
    expect(res.stderr).toContain('code cache refused: none');
    expect(res.stderr).toContain('code cache absent: none');
  });

  it.each([
    [['--help'], 1],
    [['events', '--json'], 5],
    [['payload', 'work_order.created'], 5],
  ])('starts %j from at most %d files, each read once', async (args, most) => {
    // A command's file holds the chunks it imports as it loads (scripts/bundle.mjs).
    const res = await runCli(args, { env: { MES_WEBHOOKS_CODE_CACHE: 'check' } });
    expect(res.code).toBe(0);
    const files = /^files read: (.*)$/m.exec(res.stderr)![1]!.split(' ');
    expect(files[0]).toBe('cli.js');
    expect(files.length).toBeLessThanOrEqual(most);
    expect(new Set(files).size).toBe(files.length);
  });

  it.each(['none', 'corrupt'] as const)('works the same with the cache %s', async (kind) => {
    const dir = copyOfBuild(kind);
    try {
      const bin = path.join(dir, path.relative(ROOT, BIN));
      const res = await runCli(['payload', 'work_order.created', '--json'], {
        env: { MES_WEBHOOKS_CODE_CACHE: 'check' },
        bin,
      });
      expect(res.code).toBe(0);
      expect(JSON.parse(res.stdout)).toMatchObject({ event: 'work_order.created', provider: 'mes' });
      expect(res.stderr).toContain(
        kind === 'none' ? 'code cache refused: none' : 'code cache refused: cli.js',
      );
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
