import { readFileSync } from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { runCli, tempDir } from './helpers/cli.js';
import { freePort } from './helpers/receiver.js';
import { referenceReceiver, type Flaw } from './helpers/reference-receivers.js';

const SECRET = 'whsec_dmVyaWZ5LXRlc3Qtc2VjcmV0LTEyMzQ1';
const cleanup: (() => Promise<unknown>)[] = [];
afterEach(async () => {
  await Promise.all(cleanup.splice(0).map((fn) => fn()));
});

async function verifyAgainst(flaw: Flaw, provider: 'mes' | 'tracktile', extra: string[] = []) {
  const receiver = await referenceReceiver({ scheme: provider, secret: SECRET, flaw, slowMs: 300 });
  cleanup.push(receiver.close);
  const res = await runCli(
    ['verify', receiver.url, '--provider', provider, '--reporter', 'json', '--deadline', '150ms', ...extra],
    {
      env: { MES_WEBHOOKS_SECRET: SECRET },
      timeoutMs: 60_000,
    },
  );
  const report = JSON.parse(res.stdout);
  const failed = report.checks
    .filter((c: { status: string }) => c.status === 'fail')
    .map((c: { name: string }) => c.name);
  return { res, report, failed };
}

describe('verify against reference receivers', () => {
  it('passes a correct MES receiver, skipping what the scheme does not have', async () => {
    const { res, report, failed } = await verifyAgainst('none', 'mes');
    expect(failed).toEqual([]);
    expect(res.code).toBe(0);
    // rotation, both timestamps, and processed-once (no --effects-url) are skipped.
    expect(report.summary).toMatchObject({ failed: 0, skipped: 4 });
    expect(report.checks.map((c: { name: string }) => c.name)).toEqual([
      'signature.valid',
      'signature.missing',
      'signature.wrong-secret',
      'signature.tampered-body',
      'signature.raw-bytes',
      'signature.malformed',
      'signature.rotation',
      'timestamp.stale',
      'timestamp.future',
      'idempotency.acknowledged',
      'idempotency.processed-once',
      'ordering.out-of-order',
      'body.oversized',
      'deadline',
    ]);
  });

  it('passes a correct Tracktile receiver on every check, timestamps and rotation included', async () => {
    const { res, report, failed } = await verifyAgainst('none', 'tracktile');
    expect(failed).toEqual([]);
    expect(res.code).toBe(0);
    expect(report.summary).toMatchObject({ passed: 13, failed: 0, skipped: 1 });
  });

  it.each<[Flaw, 'mes' | 'tracktile', string[], string[]?]>([
    [
      'accepts-any-signature',
      'mes',
      ['signature.missing', 'signature.wrong-secret', 'signature.tampered-body', 'signature.malformed'],
    ],
    [
      'accepts-any-signature',
      'tracktile',
      [
        'signature.missing',
        'signature.wrong-secret',
        'signature.tampered-body',
        'signature.malformed',
        'timestamp.stale',
        'timestamp.future',
      ],
    ],
    ['re-serializes', 'tracktile', ['signature.raw-bytes']],
    ['rejects-duplicates', 'mes', ['idempotency.acknowledged']],
    ['too-slow', 'mes', ['deadline'], ['--events', 'work_order.*']],
    ['crashes-on-big-bodies', 'mes', ['body.oversized']],
  ])('fails a receiver that %s (%s) on exactly %j', async (flaw, provider, expected, extra = []) => {
    const { res, failed, report } = await verifyAgainst(flaw, provider, extra);
    expect(failed).toEqual(expected);
    expect(res.code).toBe(1);
    const first = report.checks.find((c: { name: string }) => c.name === expected[0]);
    expect(first.hint).toBeTruthy();
    expect(first.evidence.length + (first.name === 'deadline' ? 1 : 0)).toBeGreaterThan(0);
  });

  it('prints a pretty report with evidence and hints; a MES receiver that re-serializes, as its document shows, is warned', async () => {
    const receiver = await referenceReceiver({ scheme: 'mes', secret: SECRET, flaw: 're-serializes' });
    cleanup.push(receiver.close);
    const res = await runCli(['verify', receiver.url, '--only', 'signature.*'], {
      env: { MES_WEBHOOKS_SECRET: SECRET },
    });
    expect(res.code).toBe(0);
    expect(res.stdout).toMatch(
      /▲ warn\s+signature\.raw-bytes\s+answered 401: the receiver verifies a re-serialized body/,
    );
    expect(res.stdout).toMatch(/Python's json\.dumps defaults never match/);
    expect(res.stdout).toMatch(
      /sent: +POST work_order\.created, indented with keys reordered \(\d+ B\) with x-mes-signature: /,
    );
    expect(res.stdout).toMatch(/received: 401/);
    expect(res.stdout).toMatch(/hint: compute the HMAC over the raw request body/);
    expect(res.stdout).not.toMatch(/idempotency/);
    expect(res.stderr).toMatch(/5 passed, 0 failed, 1 warned, 1 skipped/);
  });

  it('writes JUnit XML that CI displays, red for a broken receiver', async () => {
    const receiver = await referenceReceiver({ scheme: 'mes', secret: SECRET, flaw: 'rejects-duplicates' });
    cleanup.push(receiver.close);
    const cwd = tempDir();
    const res = await runCli(
      ['verify', receiver.url, '--reporter', 'junit', '--output', 'verify.xml', '--skip', 'body.oversized'],
      { cwd, env: { MES_WEBHOOKS_SECRET: SECRET } },
    );
    expect(res.code).toBe(1);
    const xml = readFileSync(path.join(cwd, 'verify.xml'), 'utf8');
    expect(xml).toMatch(/^<\?xml version="1.0" encoding="UTF-8"\?>/);
    expect(xml).toMatch(/<testsuites name="mes-webhooks verify" tests="13" failures="1" skipped="4"/);
    expect(xml).toMatch(
      /<testcase classname="mes-webhooks.verify.mes" name="idempotency.acknowledged" time="[\d.]+">\n\s+<failure message="[^"]+" type="idempotency.acknowledged">/,
    );
    expect(xml).toMatch(/<skipped message="the mes scheme signs no timestamp"\/>/);
    expect((xml.match(/<testcase /g) ?? []).length).toBe(13);
  });

  it('says nothing is listening, and rejects unknown checks and events', async () => {
    const port = await freePort();
    const down = await runCli(['verify', `http://127.0.0.1:${port}/`]);
    expect(down.code).toBe(1);
    expect(down.stderr).toMatch(/nothing is listening/);
    expect((await runCli(['verify', 'http://127.0.0.1:1/', '--only', 'signature.bogus'])).stderr).toMatch(
      /no check is named "signature.bogus"/,
    );
    expect((await runCli(['verify', 'http://127.0.0.1:1/', '--events', 'nothing.*'])).code).toBe(2);
  });
});
