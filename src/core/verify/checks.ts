import type { EventDef } from '../catalog.js';
import type { Provider } from '../providers/index.js';
import { globToRegExp } from '../query.js';
import { allSchemes, schemeOf, type SchemeId } from '../schemes/index.js';
import { percentile } from '../stats.js';
import { malformedVariants, reformatted, rotationVariant } from './variants.js';

export type CheckStatus = 'pass' | 'fail' | 'warn' | 'skip';

export interface Probe {
  label: string;
  body: string | Buffer;
  headers: Record<string, string>;
}

export interface ProbeResult {
  status: number | null;
  durationMs: number;
  body: string;
  error?: string;
}

export interface Evidence {
  sent: string;
  received: string;
}

export interface CheckResult {
  name: string;
  description: string;
  status: CheckStatus;
  message: string;
  hint?: string;
  evidence: Evidence[];
  durationMs: number;
}

export interface BuiltProbeEvent {
  event: string;
  payload: Record<string, unknown>;
  body: string;
  eventId: string | undefined;
}

/** What the checks need from outside, injected: building, signing, sending and the clock. */
export interface VerifyContext {
  provider: Provider;
  scheme: SchemeId;
  secret: string;
  /** A secret that is not the receiver's, in the scheme's own format. */
  wrongSecret: string;
  events: readonly EventDef[];
  /** Events of one lifecycle, in the order they happen. */
  lifecycle: readonly EventDef[];
  /** The event the single-delivery checks send. */
  primary: EventDef;
  deadlineMs: number;
  oversizedBytes: number;
  build(def: EventDef): BuiltProbeEvent;
  sign(
    body: string | Buffer,
    options?: { secret?: string; timestamp?: number; messageId?: string },
  ): Record<string, string>;
  /** Unix seconds. */
  now(): number;
  send(probe: Probe): Promise<ProbeResult>;
}

interface Check {
  name: string;
  description: string;
  run(ctx: VerifyContext): Promise<Omit<CheckResult, 'name' | 'description' | 'durationMs'>>;
}

const is2xx = (r: ProbeResult) => r.status !== null && r.status >= 200 && r.status < 300;
const is4xx = (r: ProbeResult) => r.status !== null && r.status >= 400 && r.status < 500;
const is5xx = (r: ProbeResult) => r.status !== null && r.status >= 500;

function describeSent(probe: Probe): string {
  const signatureHeaders = Object.entries(probe.headers)
    .filter(([name]) => allSchemes().some((s) => s.headers.includes(name)))
    .map(([name, value]) => `${name}: ${value.length > 60 ? `${value.slice(0, 57)}...` : value}`);
  const size = Buffer.byteLength(probe.body);
  return `POST ${probe.label} (${size} B)${signatureHeaders.length ? ` with ${signatureHeaders.join('; ')}` : ' with no signature header'}`;
}

function describeReceived(result: ProbeResult): string {
  if (result.status === null) return result.error ?? 'no answer';
  const body = result.body.replace(/\s+/g, ' ').slice(0, 120);
  return `${result.status} after ${Math.round(result.durationMs)} ms${body ? `: ${body}` : ''}`;
}

const evidenceOf = (probe: Probe, result: ProbeResult): Evidence => ({
  sent: describeSent(probe),
  received: describeReceived(result),
});

function withoutSignature(ctx: VerifyContext, headers: Record<string, string>): Record<string, string> {
  const names = new Set(schemeOf(ctx.scheme).headers);
  return Object.fromEntries(Object.entries(headers).filter(([name]) => !names.has(name)));
}

/** A forged delivery must get 4xx: 401 passes, another 4xx warns, anything else fails. */
async function expectRejected(ctx: VerifyContext, probe: Probe, hint: string) {
  const result = await ctx.send(probe);
  const evidence = [evidenceOf(probe, result)];
  if (result.status === 401) return { status: 'pass' as const, message: 'rejected with 401', evidence };
  if (is4xx(result))
    return {
      status: 'warn' as const,
      message: `rejected with ${result.status}; 401 is the usual answer`,
      evidence,
      hint,
    };
  if (is5xx(result))
    return {
      status: 'fail' as const,
      message: `answered ${result.status}: it crashed instead of rejecting`,
      evidence,
      hint,
    };
  if (result.status === null)
    return { status: 'fail' as const, message: `no answer: ${result.error}`, evidence, hint };
  return { status: 'fail' as const, message: `accepted it with ${result.status}`, evidence, hint };
}

const signed = (ctx: VerifyContext, def: EventDef, options?: Parameters<VerifyContext['sign']>[1]): Probe => {
  const built = ctx.build(def);
  return {
    label: def.name,
    body: built.body,
    headers: ctx.sign(built.body, { messageId: built.eventId, ...options }),
  };
};

export const CHECKS: readonly Check[] = [
  {
    name: 'signature.valid',
    description: 'a correctly signed delivery of every event type gets 2xx',
    async run(ctx) {
      const refused: Evidence[] = [];
      for (const def of ctx.events) {
        const probe = signed(ctx, def);
        const result = await ctx.send(probe);
        if (!is2xx(result)) refused.push(evidenceOf(probe, result));
      }
      const n = ctx.events.length;
      if (refused.length === 0)
        return { status: 'pass', message: `${n}/${n} event types accepted`, evidence: [] };
      return {
        status: 'fail',
        message: `${refused.length} of ${n} correctly signed deliveries were not answered with 2xx`,
        evidence: refused.slice(0, 3),
        hint: `check the secret, verify ${schemeOf(ctx.scheme).headers[0]} over the raw body, and answer 2xx to every event type, even ones you ignore`,
      };
    },
  },
  {
    name: 'signature.missing',
    description: 'a delivery without a signature gets 4xx (401 ideal)',
    run: (ctx) => {
      const probe = signed(ctx, ctx.primary);
      return expectRejected(
        ctx,
        { ...probe, headers: withoutSignature(ctx, probe.headers) },
        `reject deliveries that carry no ${schemeOf(ctx.scheme).headers[0]} header with 401`,
      );
    },
  },
  {
    name: 'signature.wrong-secret',
    description: 'a delivery signed with another secret gets 4xx (401 ideal)',
    run: (ctx) =>
      expectRejected(
        ctx,
        signed(ctx, ctx.primary, { secret: ctx.wrongSecret }),
        'compare the signature with one computed from your secret, and answer 401 when they differ',
      ),
  },
  {
    name: 'signature.tampered-body',
    description: 'a body changed after signing gets 4xx (401 ideal)',
    run: (ctx) => {
      const built = ctx.build(ctx.primary);
      const headers = ctx.sign(built.body, { messageId: built.eventId });
      const tampered = JSON.stringify({ ...built.payload, tampered: true });
      return expectRejected(
        ctx,
        { label: `${built.event}, body changed after signing`, body: tampered, headers },
        'compute the HMAC over the body you received, every byte of it',
      );
    },
  },
  {
    name: 'signature.raw-bytes',
    description: 'a body formatted differently (indented, keys reordered) and signed correctly gets 2xx',
    async run(ctx) {
      const built = ctx.build(ctx.primary);
      const body = reformatted(built.payload);
      const probe = {
        label: `${built.event}, indented with keys reordered`,
        body,
        headers: ctx.sign(body, { messageId: built.eventId }),
      };
      const result = await ctx.send(probe);
      if (is2xx(result)) return { status: 'pass', message: 'verified over the raw bytes', evidence: [] };
      return {
        status: 'fail',
        message: `answered ${result.status ?? result.error}: the receiver seems to verify a re-serialized body, not the bytes it received`,
        evidence: [evidenceOf(probe, result)],
        hint: 'compute the HMAC over the raw request body before parsing it (express.raw(), not JSON.stringify(req.body))',
      };
    },
  },
  {
    name: 'signature.malformed',
    description: 'truncated, wrong-version, bad hex/base64 signatures get 4xx, never 5xx',
    async run(ctx) {
      const built = ctx.build(ctx.primary);
      const timestamp = ctx.now();
      const valid = ctx.sign(built.body, { messageId: built.eventId, timestamp });
      const bad: Evidence[] = [];
      let crashed = false;
      const variants = malformedVariants(ctx.scheme, valid, timestamp);
      for (const variant of variants) {
        const probe = {
          label: `${built.event}, ${variant.label}`,
          body: built.body,
          headers: variant.headers,
        };
        const result = await ctx.send(probe);
        if (!is4xx(result)) {
          crashed ||= is5xx(result) || result.status === null;
          bad.push(evidenceOf(probe, result));
        }
      }
      if (bad.length === 0)
        return {
          status: 'pass',
          message: `${variants.length}/${variants.length} malformed signatures rejected with 4xx`,
          evidence: [],
        };
      return {
        status: 'fail',
        message: `${bad.length} of ${variants.length} malformed signatures were ${crashed ? 'not answered with 4xx (a crash?)' : 'accepted'}`,
        evidence: bad.slice(0, 3),
        hint: 'parse the signature header defensively: a bad header is a 401, never an exception',
      };
    },
  },
  {
    name: 'signature.rotation',
    description: 'one valid signature among decoys gets 2xx (schemes that carry several)',
    async run(ctx) {
      const built = ctx.build(ctx.primary);
      const variant = rotationVariant(
        ctx.scheme,
        ctx.sign(built.body, { messageId: built.eventId }),
        ctx.wrongSecret,
      );
      if (!variant)
        return { status: 'skip', message: `the ${ctx.scheme} scheme carries one signature`, evidence: [] };
      const probe = { label: `${built.event}, ${variant.label}`, body: built.body, headers: variant.headers };
      const result = await ctx.send(probe);
      if (is2xx(result))
        return { status: 'pass', message: 'accepted a valid signature among decoys', evidence: [] };
      return {
        status: 'fail',
        message: `answered ${result.status ?? result.error}`,
        evidence: [evidenceOf(probe, result)],
        hint: 'accept the delivery when any one of the listed signatures matches (this is how secrets are rotated)',
      };
    },
  },
  ...(['stale', 'future'] as const).map((which): Check => ({
    name: `timestamp.${which}`,
    description: `a correctly signed delivery with a timestamp 10 minutes ${which === 'stale' ? 'old' : 'ahead'} gets 4xx`,
    async run(ctx) {
      const tolerance = schemeOf(ctx.scheme).toleranceSec;
      if (tolerance === null)
        return { status: 'skip', message: `the ${ctx.scheme} scheme signs no timestamp`, evidence: [] };
      const offset = (which === 'stale' ? -1 : 1) * 600;
      const probe = signed(ctx, ctx.primary, { timestamp: ctx.now() + offset });
      const result = await ctx.send({
        ...probe,
        label: `${probe.label}, timestamp ${which === 'stale' ? '10 min old' : '10 min ahead'}`,
      });
      const evidence = [evidenceOf(probe, result)];
      if (is4xx(result)) return { status: 'pass', message: `rejected with ${result.status}`, evidence: [] };
      const hint = `reject timestamps more than ${tolerance / 60} minutes from your clock, to stop replayed deliveries`;
      if (is2xx(result) && ctx.scheme === 'betterez') {
        return {
          status: 'warn',
          message: 'accepted: Betterez leaves the tolerance to the receiver, but one is advised',
          evidence,
          hint,
        };
      }
      return {
        status: 'fail',
        message: is2xx(result)
          ? `accepted with ${result.status}`
          : `answered ${result.status ?? result.error}`,
        evidence,
        hint,
      };
    },
  })),
  {
    name: 'idempotency.duplicate',
    description: 'the same event twice, and twice at once, gets 2xx every time',
    async run(ctx) {
      const probe = signed(ctx, ctx.primary);
      const results = [
        await ctx.send(probe),
        await ctx.send(probe),
        ...(await Promise.all([ctx.send(probe), ctx.send(probe)])),
      ];
      const bad = results.filter((r) => !is2xx(r));
      if (bad.length === 0) return { status: 'pass', message: '4/4 copies answered 2xx', evidence: [] };
      return {
        status: 'fail',
        message: `${bad.length} of 4 copies of one event were not answered with 2xx`,
        evidence: bad.slice(0, 2).map((r) => evidenceOf(probe, r)),
        hint: 'platforms deliver at least once: answer 2xx to a duplicate event id and skip its processing',
      };
    },
  },
  {
    name: 'ordering.out-of-order',
    description: 'a lifecycle delivered backwards gets 2xx',
    async run(ctx) {
      if (ctx.lifecycle.length < 2) {
        return { status: 'skip', message: `no lifecycle is known for ${ctx.provider.id}`, evidence: [] };
      }
      const bad: Evidence[] = [];
      for (const def of [...ctx.lifecycle].reverse()) {
        const probe = signed(ctx, def);
        const result = await ctx.send(probe);
        if (!is2xx(result)) bad.push(evidenceOf(probe, result));
      }
      const order = [...ctx.lifecycle]
        .reverse()
        .map((d) => d.name)
        .join(' → ');
      if (bad.length === 0) return { status: 'pass', message: `accepted ${order}`, evidence: [] };
      return {
        status: 'fail',
        message: `refused ${bad.length} of ${ctx.lifecycle.length} events sent as ${order}`,
        evidence: bad,
        hint: 'events can arrive in any order: accept them, and order by their timestamps or fetch the current state',
      };
    },
  },
  {
    name: 'body.oversized',
    description: 'a body of several MiB gets 4xx or a closed connection, never 5xx',
    async run(ctx) {
      const built = ctx.build(ctx.primary);
      const body = JSON.stringify({ ...built.payload, padding: 'x'.repeat(ctx.oversizedBytes) });
      const probe = {
        label: `${built.event}, padded`,
        body,
        headers: ctx.sign(body, { messageId: built.eventId }),
      };
      const result = await ctx.send(probe);
      const evidence = [evidenceOf(probe, result)];
      if (result.status === null)
        return { status: 'pass', message: 'the connection was closed', evidence: [] };
      if (is4xx(result)) return { status: 'pass', message: `refused with ${result.status}`, evidence: [] };
      if (is2xx(result))
        return {
          status: 'warn',
          message: `accepted ${Math.round(Buffer.byteLength(body) / 1048576)} MiB`,
          evidence,
          hint: 'limit request bodies (1 MiB is plenty for webhooks) and answer 413',
        };
      return {
        status: 'fail',
        message: `answered ${result.status}`,
        evidence,
        hint: 'limit request bodies and answer 413 rather than failing',
      };
    },
  },
];

const DEADLINE_CHECK = {
  name: 'deadline',
  description: "p95 answer time over the run stays under the platform's deadline",
};

export const CHECK_NAMES = [...CHECKS.map((c) => c.name), DEADLINE_CHECK.name];

export function selectChecks(only: readonly string[], skip: readonly string[]): string[] {
  const any = (patterns: readonly string[], name: string) => patterns.some((p) => globToRegExp(p).test(name));
  return CHECK_NAMES.filter((name) => (only.length === 0 || any(only, name)) && !any(skip, name));
}

/** Runs the selected checks in order; the deadline check judges the answer times of all the others. */
export async function runChecks(
  ctx: VerifyContext,
  selected: readonly string[],
  clock: () => number,
  onResult: (result: CheckResult) => void = () => {},
): Promise<CheckResult[]> {
  const timings: number[] = [];
  const timed: VerifyContext = {
    ...ctx,
    send: async (probe) => {
      const result = await ctx.send(probe);
      if (result.status !== null && Buffer.byteLength(probe.body) < ctx.oversizedBytes)
        timings.push(result.durationMs);
      return result;
    },
  };
  const results: CheckResult[] = [];
  const finish = (result: CheckResult) => {
    results.push(result);
    onResult(result);
  };
  for (const check of CHECKS) {
    if (!selected.includes(check.name)) continue;
    const started = clock();
    let outcome: Omit<CheckResult, 'name' | 'description' | 'durationMs'>;
    try {
      outcome = await check.run(timed);
    } catch (error) {
      outcome = { status: 'fail', message: `could not run: ${(error as Error).message}`, evidence: [] };
    }
    finish({ name: check.name, description: check.description, durationMs: clock() - started, ...outcome });
  }
  if (selected.includes(DEADLINE_CHECK.name)) {
    const sorted = [...timings].sort((a, b) => a - b);
    const p95 = percentile(sorted, 95);
    const base = { ...DEADLINE_CHECK, durationMs: 0, evidence: [] };
    if (sorted.length === 0) finish({ ...base, status: 'skip', message: 'no answers to time' });
    else if (p95 <= ctx.deadlineMs)
      finish({
        ...base,
        status: 'pass',
        message: `p95 ${Math.round(p95)} ms over ${sorted.length} answers, under ${ctx.deadlineMs} ms`,
      });
    else {
      finish({
        ...base,
        status: 'fail',
        message: `p95 ${Math.round(p95)} ms over ${sorted.length} answers, over the ${ctx.deadlineMs} ms deadline`,
        hint: 'answer first, then process: queue the event and return 2xx at once',
      });
    }
  }
  return results;
}
