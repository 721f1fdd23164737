import { createHmac } from 'node:crypto';
import type { IncomingHttpHeaders } from 'node:http';
import { describe, expect, it } from 'vitest';
import { runCli } from './helpers/cli.js';
import { testScope } from './helpers/scope.js';
import { vendorVerifiers } from './helpers/vendor-verifiers.js';

const { receiver } = testScope();
const SECRET = 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw';
const header = (h: IncomingHttpHeaders, name: string) => String(h[name] ?? '');
const fresh = (t: string) => /^\d+$/.test(t) && Math.abs(Date.now() / 1000 - Number(t)) <= 300;

/** Receivers written from each vendor document; Tracktile's sample and the Standard Webhooks spec also bound the timestamp both ways. */
const documentReceivers: Record<string, (h: IncomingHttpHeaders, raw: Buffer) => boolean> = {
  mes: (h, raw) => vendorVerifiers.mes!(h, raw, SECRET),
  katana: (h, raw) => vendorVerifiers.katana!(h, raw, SECRET),
  betterez: (h, raw) => vendorVerifiers.betterez!(h, raw, SECRET),
  tracktile: (h, raw) =>
    vendorVerifiers.tracktile!(h, raw, SECRET) &&
    fresh(/t=(\d+)/.exec(header(h, 'x-tracktile-signature'))?.[1] ?? ''),
  standard: (h, raw) => vendorVerifiers.standard!(h, raw, SECRET) && fresh(header(h, 'webhook-timestamp')),
};

// What verify says of each, written down: every check not listed passes.
const VERDICTS: [string, string[], Record<string, string>][] = [
  [
    'mes',
    [],
    {
      'signature.raw-bytes': 'warn', // the document re-serializes: a risk, not a failure
      'signature.rotation': 'skip',
      'timestamp.stale': 'skip',
      'timestamp.future': 'skip',
      'idempotency.processed-once': 'skip',
      'body.oversized': 'warn',
    },
  ],
  [
    'katana',
    ['--provider', 'katana'],
    {
      'signature.rotation': 'skip',
      'timestamp.stale': 'skip',
      'timestamp.future': 'skip',
      'idempotency.processed-once': 'skip',
      'body.oversized': 'warn',
    },
  ],
  [
    'tracktile',
    ['--provider', 'tracktile'],
    { 'idempotency.processed-once': 'skip', 'body.oversized': 'warn' },
  ],
  [
    'betterez',
    ['--provider', 'betterez'],
    {
      'signature.raw-bytes': 'warn',
      'timestamp.stale': 'warn', // the document leaves the tolerance to the receiver
      'timestamp.future': 'skip', // and sets no rule for the future
      'idempotency.processed-once': 'skip',
      'body.oversized': 'warn',
    },
  ],
  ['standard', ['--scheme', 'standard'], { 'idempotency.processed-once': 'skip', 'body.oversized': 'warn' }],
];

describe('verify against receivers written from each vendor document', () => {
  it.each(VERDICTS)(
    '%s: the written-down verdicts, and exit 0',
    async (scheme, args, expected) => {
      const check = documentReceivers[scheme]!;
      const target = await receiver((req) => ({ status: check(req.headers, req.body) ? 200 : 401 }));
      const res = await runCli(['verify', target.url, ...args, '--reporter', 'json'], {
        env: { MES_WEBHOOKS_SECRET: SECRET },
        timeoutMs: 60_000,
      });
      const report = JSON.parse(res.stdout);
      const got = Object.fromEntries(
        report.checks
          .filter((c: { status: string }) => c.status !== 'pass')
          .map((c: { name: string; status: string }) => [c.name, c.status]),
      );
      expect(got).toEqual(expected);
      expect(res.code).toBe(0);
    },
    70_000,
  );
});

describe('idempotency.processed-once with an effects URL', () => {
  it.each([
    ['processes each event id once', 'pass', true],
    ['processes every copy', 'fail', false],
  ] as const)('a receiver that %s: %s', async (_name, status, dedupes) => {
    const counts = new Map<string, number>();
    const seen = new Set<string>();
    const target = await receiver((req) => {
      const url = new URL(req.url, 'http://x');
      if (req.method === 'GET')
        return {
          status: 200,
          body: JSON.stringify({ count: counts.get(url.searchParams.get('eventId') ?? '') ?? 0 }),
        };
      const expected = createHmac('sha256', SECRET).update(req.body).digest('hex');
      if (req.headers['x-mes-signature'] !== expected) return { status: 401 };
      const { id } = JSON.parse(req.body.toString());
      if (!dedupes || !seen.has(id)) counts.set(id, (counts.get(id) ?? 0) + 1);
      seen.add(id);
      return { status: 200 };
    });
    const effects = target.url.replace('/webhooks', '/processed');
    const res = await runCli(
      ['verify', target.url, '--only', 'idempotency.*', '--effects-url', effects, '--reporter', 'json'],
      { env: { MES_WEBHOOKS_SECRET: SECRET } },
    );
    const report = JSON.parse(res.stdout);
    const byName = Object.fromEntries(report.checks.map((c: { name: string }) => [c.name, c]));
    // The answers alone cannot tell the two apart; the effects can.
    expect(byName['idempotency.acknowledged'].status).toBe('pass');
    expect(byName['idempotency.processed-once'].status).toBe(status);
    if (status === 'fail') expect(byName['idempotency.processed-once'].message).toMatch(/processed 4 times/);
    expect(res.code).toBe(status === 'pass' ? 0 : 1);
  });
});
