import { existsSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { runCli, tempDir } from './helpers/cli.js';
import { fuzzReceiver, type PayloadFlaw } from './helpers/fuzz-receivers.js';

const SECRET = 'whsec_ZnV6ei10ZXN0LXNlY3JldC0xMjM0NTY3ODk=';
const env = { MES_WEBHOOKS_SECRET: SECRET };
const cleanup: (() => Promise<unknown>)[] = [];
afterEach(async () => {
  await Promise.all(cleanup.splice(0).map((fn) => fn()));
});

/** The shrunk payloads of the MES events these receivers fail on. */
interface Shrunk {
  data: { workOrder: Record<string, unknown>; inspection: Record<string, unknown> };
}

interface Check {
  name: string;
  status: string;
  message: string;
  hint?: string;
}

async function fuzz(flaw: PayloadFlaw, events: string, extra: string[] = [], cwd = tempDir()) {
  const receiver = await fuzzReceiver(SECRET, flaw);
  cleanup.push(receiver.close);
  const args = ['verify', receiver.url, '--fuzz', '--events', events];
  const res = await runCli([...args, '--runs', '40', '--seed', '20261123', '--reporter', 'json', ...extra], {
    env,
    cwd,
    timeoutMs: 120_000,
  });
  const output = extra.indexOf('--output');
  const text = output >= 0 ? readFileSync(extra[output + 1]!, 'utf8') : res.stdout;
  const report = JSON.parse(text) as { summary: { seed: number }; checks: Check[] };
  const check = (name: string) => report.checks.find((c) => c.name === name);
  return { receiver, res, report, check, cwd };
}

/** The printed command, run as a user would paste it: it must send exactly the shrunk body. */
async function reproduce(check: Check | undefined, receiver: { bodies: string[] }) {
  const command = /Reproduce: (mes-webhooks send .*)$/.exec(check?.hint ?? '')?.[1];
  expect(command).toBeDefined();
  const words = command!.split(' ').slice(1);
  const file = words[words.indexOf('--body') + 1]!;
  const body = readFileSync(file, 'utf8');
  const before = receiver.bodies.length;
  const res = await runCli([...words, '--timeout', '400', '--no-log'], { env, timeoutMs: 30_000 });
  expect(receiver.bodies.slice(before)).toEqual([body]);
  return { res, body, payload: JSON.parse(body) as Shrunk };
}

describe('verify --fuzz against reference receivers', () => {
  it('passes a correct receiver, printing the seed, and writes no reproduction file', async () => {
    const { res, report, cwd } = await fuzz('none', '*');
    expect(res.stderr).toContain('--seed 20261123');
    expect(report.summary.seed).toBe(20261123);
    expect(report.checks.map((c) => [c.name, c.status])).toEqual([
      ['fuzz.valid', 'pass'],
      ['fuzz.deadline', 'pass'],
      ['fuzz.invalid', 'pass'],
      ['fuzz.alive', 'pass'],
    ]);
    expect(res.code).toBe(0);
    expect(readdirSync(cwd)).toEqual([]);
  });

  it('finds a 500 on an absent optional field, shrinks to the required fields only, and reproduces it', async () => {
    const dir = tempDir();
    const { res, check, receiver } = await fuzz('needs-optional-field', 'work_order.created', [
      '--output',
      path.join(dir, 'reports', 'verify.json'),
    ]);
    expect(res.code).toBe(1);
    expect(check('fuzz.valid')).toMatchObject({ status: 'fail' });
    expect(check('fuzz.valid')!.message).toMatch(/work_order\.created: 500 for a \d+-byte body/);
    expect(check('fuzz.alive')).toMatchObject({ status: 'pass' });
    const { res: again, payload } = await reproduce(check('fuzz.valid'), receiver);
    // Minimal: every optional field dropped, at every level, the one the receiver needs with them.
    expect(Object.keys(payload).sort()).toEqual(['data', 'id', 'timestamp', 'type']);
    expect(Object.keys(payload.data)).toEqual(['workOrder']);
    expect(Object.keys(payload.data.workOrder).sort()).toEqual(['id', 'orderNumber', 'product', 'quantity']);
    expect(again.code).toBe(1);
    expect(again.stdout + again.stderr).toMatch(/500/);
    // The file is written next to the report.
    expect(existsSync(path.join(dir, 'reports', 'fuzz-20261123-valid.json'))).toBe(true);
  }, 120_000);

  it('finds a hang on strings over 1,000 characters, shrunk to one 1,001-character string', async () => {
    const { res, check, receiver } = await fuzz('hangs-on-long-strings', 'work_order.created', [
      '--deadline',
      '150ms',
    ]);
    expect(res.code).toBe(1);
    expect(check('fuzz.deadline')).toMatchObject({ status: 'fail' });
    expect(check('fuzz.deadline')!.message).toContain('no answer (timed out)');
    // A hang is a deadline failure, not a crash.
    expect(check('fuzz.valid')!.status).toBe('pass');
    const { res: again, payload } = await reproduce(check('fuzz.deadline'), receiver);
    const strings = JSON.stringify(payload)
      .match(/"(?:[^"\\]|\\.)*"/g)!
      .map((s) => JSON.parse(s) as string);
    expect(Math.max(...strings.map((s) => s.length))).toBe(1001);
    expect(strings.filter((s) => s.length > 1000)).toHaveLength(1);
    // Every optional field dropped but the one the long string may sit in.
    const optional = Object.keys(payload.data.workOrder).filter(
      (k) => !['id', 'orderNumber', 'product', 'quantity'].includes(k),
    );
    expect(optional.every((k) => String(payload.data.workOrder[k]).length === 1001)).toBe(true);
    expect(optional.length).toBeLessThanOrEqual(1);
    expect(again.code).toBe(1);
    expect(again.stdout + again.stderr).toMatch(/no answer|timed out|within 400 ms/i);
  }, 120_000);

  it('finds a dropped connection on an unknown enum value, the same way for the same seed', async () => {
    const first = await fuzz('dies-on-unknown-enum', 'quality.inspection_complete');
    expect(first.res.code).toBe(1);
    const valid = first.check('fuzz.valid')!;
    expect(valid.status).toBe('fail');
    expect(valid.message).toMatch(/no answer: .*other side closed/);
    expect(first.check('fuzz.alive')).toMatchObject({ status: 'pass' });
    const { res: again, payload } = await reproduce(valid, first.receiver);
    expect(['PASS_next', 'UNKNOWN_VALUE']).toContain(payload.data.inspection.result);
    expect(Object.keys(payload).sort()).toEqual(['data', 'id', 'timestamp', 'type']);
    expect(again.code).toBe(1);

    const second = await fuzz('dies-on-unknown-enum', 'quality.inspection_complete');
    expect(second.check('fuzz.valid')!.message).toBe(valid.message);
    expect(second.check('fuzz.valid')!.hint!.replace(second.cwd, '')).toBe(
      valid.hint!.replace(first.cwd, '').replace(first.receiver.url, second.receiver.url),
    );
  }, 120_000);

  it('send --body refuses what would change the exact body', async () => {
    const cwd = tempDir();
    writeFileSync(path.join(cwd, 'b.json'), '{"id":"x"}');
    const merged = await runCli(['send', 'work_order.created', '--body', 'b.json', '--data', 'b.json'], {
      cwd,
    });
    expect(merged.code).toBe(2);
    expect(merged.stderr).toContain('leave out --data and --set');
    writeFileSync(path.join(cwd, 'list.json'), '[1]');
    const list = await runCli(
      ['send', 'work_order.created', '--body', 'list.json', '--to', 'http://127.0.0.1:9/'],
      {
        cwd,
      },
    );
    expect(list.code).toBe(2);
    expect(list.stderr).toContain('must hold one JSON object');
  });

  it('refuses the fuzz flags without --fuzz', async () => {
    const res = await runCli(['verify', 'http://127.0.0.1:9/', '--runs', '5']);
    expect(res.code).toBe(2);
    expect(res.stderr).toContain('--runs, --seed and --time-limit go with --fuzz');
  });
});
