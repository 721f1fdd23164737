import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { cleanEnv } from './helpers/cli.js';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const run = promisify(execFile);

describe('the node:test example', () => {
  it('runs under `node --test` against Express, Fastify, Hono and a route handler, and passes', async () => {
    // The example imports `mes-webhooks/testing` by name, as a user would: the built package.
    expect(
      existsSync(new URL('../dist/testing/index.js', import.meta.url)),
      'run `npm run build` first',
    ).toBe(true);
    const { stdout } = await run(
      process.execPath,
      ['--test', '--test-reporter=tap', 'examples/node-test/receivers.test.mjs'],
      { cwd: ROOT, env: cleanEnv(), timeout: 120_000 },
    );
    for (const name of ['Express', 'Fastify', 'Hono', 'route handler'])
      expect(stdout).toMatch(new RegExp(`^ok \\d+ - ${name}$`, 'm'));
    expect(stdout).toMatch(/^# pass 13$/m);
    expect(stdout).toMatch(/^# fail 0$/m);
  });
});
