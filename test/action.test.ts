import { execFile } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { load } from 'js-yaml';
import { afterEach, describe, expect, it } from 'vitest';
import { cleanEnv, tempDir } from './helpers/cli.js';
import { referenceReceiver, type Flaw } from './helpers/reference-receivers.js';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const SECRET = 'whsec_YWN0aW9uLXRlc3Qtc2VjcmV0LTEyMzQ1Njc4';

interface Step {
  name: string;
  shell: string;
  run: string;
  env?: Record<string, string>;
}
interface Action {
  inputs: Record<string, { required?: boolean; default?: string }>;
  runs: { using: string; steps: Step[] };
}

const action = load(readFileSync(path.join(ROOT, 'action.yml'), 'utf8')) as Action;

/**
 * Runs the composite action's steps as a runner would: `${{ inputs.x }}` filled in, bash with the
 * step's env, GITHUB_ACTION_PATH at the repository and a GITHUB_OUTPUT file; stops at a failed step.
 */
async function runAction(inputs: Record<string, string>) {
  const workspace = tempDir('mes-webhooks-action-');
  const outputFile = path.join(workspace, 'github-output');
  writeFileSync(outputFile, '');
  const values = Object.fromEntries(
    Object.entries(action.inputs).map(([name, spec]) => [name, inputs[name] ?? spec.default ?? '']),
  );
  const fill = (text: string) =>
    text.replace(/\$\{\{\s*inputs\.([\w-]+)\s*\}\}/g, (_, name: string) => values[name] ?? '');
  let log = '';
  for (const step of action.runs.steps) {
    const env = Object.fromEntries(Object.entries(step.env ?? {}).map(([k, v]) => [k, fill(String(v))]));
    const code = await new Promise<number>((resolve) => {
      execFile(
        'bash',
        ['--noprofile', '--norc', '-e', '-o', 'pipefail', '-c', fill(step.run)],
        {
          cwd: workspace,
          env: cleanEnv({
            ...env,
            GITHUB_ACTION_PATH: ROOT,
            GITHUB_OUTPUT: outputFile,
            GITHUB_WORKSPACE: workspace,
          }),
          timeout: 120_000,
        },
        (error, stdout, stderr) => {
          log += stdout + stderr;
          resolve(error ? (typeof error.code === 'number' ? error.code : 1) : 0);
        },
      );
    });
    if (code !== 0) return { code, workspace, outputs: readOutputs(outputFile), log };
  }
  return { code: 0, workspace, outputs: readOutputs(outputFile), log };
}

function readOutputs(file: string): Record<string, string> {
  return Object.fromEntries(
    readFileSync(file, 'utf8')
      .split('\n')
      .filter((line) => line.includes('='))
      .map((line) => [line.slice(0, line.indexOf('=')), line.slice(line.indexOf('=') + 1)]),
  );
}

const cleanup: (() => Promise<unknown>)[] = [];
afterEach(async () => {
  await Promise.all(cleanup.splice(0).map((fn) => fn()));
});

async function receiver(flaw: Flaw) {
  const r = await referenceReceiver({ scheme: 'mes', secret: SECRET, flaw });
  cleanup.push(r.close);
  return r;
}

describe('the GitHub Action (action.yml), its shell steps run locally', () => {
  it('is a composite action of shell steps with the documented inputs', () => {
    expect(action.runs.using).toBe('composite');
    for (const step of action.runs.steps) expect(step.shell).toBe('bash');
    expect(Object.keys(action.inputs)).toEqual(
      expect.arrayContaining(['url', 'provider', 'secret', 'only', 'skip', 'reporter', 'report']),
    );
    expect(action.inputs.url!.required).toBe(true);
  });

  it('passes a correct receiver and writes the JUnit report', async () => {
    const r = await receiver('none');
    const run = await runAction({ url: r.url, provider: 'mes', secret: SECRET, only: 'signature.*' });
    expect(run.code, run.log).toBe(0);
    expect(run.outputs).toMatchObject({ 'exit-code': '0', report: 'mes-webhooks-verify.xml' });
    const xml = readFileSync(path.join(run.workspace, 'mes-webhooks-verify.xml'), 'utf8');
    expect(xml).toMatch(/^<\?xml/);
    expect(xml).toMatch(/<testsuite[^>]*failures="0"/);
    expect(xml).toContain('signature.valid');
    expect(xml).not.toContain('idempotency.duplicate');
    // The secret went by environment, not on the command line, and is not in the log.
    expect(run.log).not.toContain(SECRET);
  }, 120_000);

  it('fails the job on a failed check, the report naming it', async () => {
    const r = await receiver('accepts-any-signature');
    const run = await runAction({
      url: r.url,
      secret: SECRET,
      skip: 'deadline,body.*',
      report: 'reports/verify.xml',
    });
    expect(run.code, run.log).toBe(1);
    expect(run.outputs['exit-code']).toBe('1');
    const xml = readFileSync(path.join(run.workspace, 'reports/verify.xml'), 'utf8');
    expect(xml).toMatch(/<failure/);
    expect(xml).toContain('signature.wrong-secret');
  }, 120_000);

  it('a bad input is a usage error, exit 2', async () => {
    const r = await receiver('none');
    const run = await runAction({ url: r.url, provider: 'nobody' });
    expect(run.code).toBe(2);
    expect(run.log).toMatch(/provider/);
  }, 60_000);
});
