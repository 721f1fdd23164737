import { spawn, spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { runCli } from './helpers/cli.js';
import { testScope } from './helpers/scope.js';

const { later } = testScope();
const EXAMPLES = fileURLToPath(new URL('../docs/examples/python/', import.meta.url));
const hasPython = spawnSync('python3', ['--version']).status === 0;

/** Starts docs/examples/python/<file>.py on a free port and resolves with its URL. */
function startPython(file: string, secret: string): Promise<string> {
  const child = spawn('python3', [`${EXAMPLES}${file}.py`, '0'], {
    env: { ...process.env, WEBHOOK_SECRET: secret },
  });
  later(
    () =>
      new Promise((resolve) => {
        child.once('exit', resolve);
        child.kill();
      }),
  );
  return new Promise((resolve, reject) => {
    let out = '';
    child.stdout.on('data', (chunk: Buffer) => {
      out += chunk.toString();
      const m = /listening on (\d+)/.exec(out);
      if (m) resolve(`http://127.0.0.1:${m[1]}/webhooks`);
    });
    child.once('exit', (code) => reject(new Error(`python3 ${file}.py exited ${code}`)));
  });
}

// Verdicts written down: each receiver accepts every event `send --all` makes, and `verify` finds
// no failure. Skips are what the scheme lacks (rotation, timestamps) or what was not offered.
const CASES = [
  { file: 'mes', provider: 'mes', scheme: undefined, secret: 'mes-secret', skipped: 4 },
  { file: 'katana', provider: 'katana', scheme: undefined, secret: 'katana-token', skipped: 4 },
  { file: 'tracktile', provider: 'tracktile', scheme: undefined, secret: 'tt-secret', skipped: 1 },
  // Betterez's document sets no rule for future timestamps: timestamp.future is skipped when accepted.
  // (processed-once is skipped everywhere: these examples serve no effects URL.)
  { file: 'betterez', provider: 'betterez', scheme: undefined, secret: 'btrz-secret', skipped: 2 },
  {
    file: 'standard',
    provider: 'mes',
    scheme: 'standard',
    secret: 'whsec_CQkJCQkJCQkJCQkJCQkJCQ',
    skipped: 1,
  },
] as const;

describe.runIf(hasPython)('the Python receivers in docs/examples/python', () => {
  it.each(CASES.map((c) => [c.file, c] as const))(
    '%s.py accepts send --all and passes verify',
    async (_name, { file, provider, scheme, secret, skipped }) => {
      const url = await startPython(file, secret);
      const env = { MES_WEBHOOKS_SECRET: secret };
      const schemeArgs = scheme ? ['--scheme', scheme] : [];
      const sent = await runCli(
        ['send', '--all', '--provider', provider, ...schemeArgs, '--to', url, '--no-log'],
        { env },
      );
      expect(sent.code, sent.stderr).toBe(0);
      const res = await runCli(['verify', url, '--provider', provider, ...schemeArgs, '--reporter', 'json'], {
        env,
        timeoutMs: 110_000,
      });
      const report = JSON.parse(res.stdout);
      const failed = report.checks.filter((c: { status: string }) => c.status === 'fail');
      expect(failed).toEqual([]);
      expect(res.code).toBe(0);
      expect(report.summary).toMatchObject({ failed: 0, skipped });
    },
    120_000,
  );
});
