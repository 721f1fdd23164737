import type { EventDef } from '../catalog.js';
import type { Provider } from '../providers/types.js';
import type { Registry } from '../registry.js';
import type { Scheme, SchemeId } from '../schemes/types.js';

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
  /** The providers and schemes the run knows. */
  registry: Registry;
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
  /**
   * How many times the receiver processed an event id, read from a URL it serves for tests
   * (verify --effects-url); absent when there is none.
   */
  processedCount?(eventId: string): Promise<number>;
  send(probe: Probe): Promise<ProbeResult>;
}

export type CheckOutcome = Omit<CheckResult, 'name' | 'description' | 'durationMs'>;

/** One check: a file under checks/, listed in checks/index.ts. */
export interface Check {
  name: string;
  description: string;
  run(ctx: VerifyContext): Promise<CheckOutcome>;
}

export const schemeIn = (ctx: VerifyContext): Scheme => ctx.registry.scheme(ctx.scheme);

export const is2xx = (r: ProbeResult) => r.status !== null && r.status >= 200 && r.status < 300;
export const is4xx = (r: ProbeResult) => r.status !== null && r.status >= 400 && r.status < 500;
export const is5xx = (r: ProbeResult) => r.status !== null && r.status >= 500;

function describeSent(probe: Probe, registry: Registry): string {
  const signatureHeaders = Object.entries(probe.headers)
    .filter(([name]) => registry.schemes.some((s) => s.headers.includes(name)))
    .map(([name, value]) => `${name}: ${value.length > 60 ? `${value.slice(0, 57)}...` : value}`);
  const size = Buffer.byteLength(probe.body);
  return `POST ${probe.label} (${size} B)${signatureHeaders.length ? ` with ${signatureHeaders.join('; ')}` : ' with no signature header'}`;
}

function describeReceived(result: ProbeResult): string {
  if (result.status === null) return result.error ?? 'no answer';
  const body = result.body.replace(/\s+/g, ' ').slice(0, 120);
  return `${result.status} after ${Math.round(result.durationMs)} ms${body ? `: ${body}` : ''}`;
}

export const evidenceOf = (ctx: VerifyContext, probe: Probe, result: ProbeResult): Evidence => ({
  sent: describeSent(probe, ctx.registry),
  received: describeReceived(result),
});

export function withoutSignature(
  ctx: VerifyContext,
  headers: Record<string, string>,
): Record<string, string> {
  const names = new Set(schemeIn(ctx).headers);
  return Object.fromEntries(Object.entries(headers).filter(([name]) => !names.has(name)));
}

/** A forged delivery must get 4xx: 401 passes, another 4xx warns, anything else fails. */
export async function expectRejected(ctx: VerifyContext, probe: Probe, hint: string) {
  const result = await ctx.send(probe);
  const evidence = [evidenceOf(ctx, probe, result)];
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

export const signed = (
  ctx: VerifyContext,
  def: EventDef,
  options?: Parameters<VerifyContext['sign']>[1],
): Probe => {
  const built = ctx.build(def);
  return {
    label: def.name,
    body: built.body,
    headers: ctx.sign(built.body, { messageId: built.eventId, ...options }),
  };
};
