import { cpSync, existsSync, readdirSync, rmSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { BIN, runCli, tempDir } from './helpers/cli.js';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const CACHE = path.join(ROOT, 'dist', 'bundle', 'cache');

/** A copy of the built command (payload needs no package from node_modules), its cache gone or garbage. */
function copyOfBuild(withCache: 'none' | 'corrupt'): string {
  const dir = tempDir('mes-webhooks-build-');
  for (const part of ['bin', 'dist', 'fixtures', 'package.json'])
    cpSync(path.join(ROOT, part), path.join(dir, part), { recursive: true });
  const cache = path.join(dir, 'dist', 'bundle', 'cache');
  if (withCache === 'none') rmSync(cache, { recursive: true });
  else for (const file of readdirSync(cache)) cpSync(path.join(ROOT, 'package.json'), path.join(cache, file));
  return dir;
}

describe('the bundle loader', () => {
  it('has a code cache from the build for the chunks a start loads', () => {
    expect(existsSync(path.join(CACHE, 'cli.js.bin'))).toBe(true);
  });

  it.each([
    [['--help']],
    [['events', '--json']],
    [['payload', 'work_order.created']],
    [['send', 'work_order.created']],
  ])('starts %j with no chunk cache refused by V8', async (args) => {
    const res = await runCli(args, { env: { MES_WEBHOOKS_CODE_CACHE: 'check' } });
    expect(res.code).toBe(0);
    // A V8 flag changed at run time, or a cache made under other flags, would show here.
    expect(res.stderr).toContain('code cache refused: none');
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
