import { randomBytes } from 'node:crypto';
import { buildEvent, deliveryHeaders } from '../build.js';
import type { EventDef } from '../catalog.js';
import { unixSeconds, type Freshness, type Provider } from '../providers/index.js';
import type { SchemeId } from '../schemes/index.js';
import type { Probe, ProbeResult, VerifyContext } from './checks.js';

/** The oversized-body check pads a delivery to this size. */
export const OVERSIZED_BYTES = 6 * 1024 * 1024;

/** One lifecycle per provider, in the order its events happen, all on one object. */
export const LIFECYCLES: Readonly<Record<string, readonly string[]>> = {
  mes: ['work_order.created', 'work_order.started', 'work_order.completed'],
  katana: ['sales_order.created', 'sales_order.packed', 'sales_order.delivered'],
  tracktile: ['inventory.received', 'inventory.moved', 'inventory.destroyed'],
  betterez: ['operationmessage.created', 'operationmessage.updated'],
};

export interface VerifyContextOptions {
  provider: Provider;
  scheme: SchemeId;
  secret: string;
  /** The events `signature.valid` sends, all of this provider. */
  events: readonly EventDef[];
  /** Looks an event up by name, for the provider's lifecycle. */
  find(name: string, provider: string): EventDef;
  deadlineMs: number;
  runtime: { now(): Date; uuid(): string };
  userAgent: string;
  /** How a probe reaches the receiver: over HTTP, or into an in-process handler. */
  send(probe: Probe): Promise<ProbeResult>;
}

/**
 * Everything the checks need, built one way for `verify <url>` and for the testing kit; only the
 * transport differs between them.
 */
export function createVerifyContext(options: VerifyContextOptions): VerifyContext {
  const { provider, scheme, secret, runtime } = options;
  const lifecycle = (LIFECYCLES[provider.id] ?? []).map((name) => options.find(name, provider.id));
  const fresh = (): Freshness => ({ now: runtime.now(), uuid: runtime.uuid });
  return {
    provider,
    scheme,
    secret,
    wrongSecret: `whsec_${randomBytes(24).toString('base64')}`,
    events: options.events,
    lifecycle,
    primary: lifecycle[0] ?? options.events[0]!,
    deadlineMs: options.deadlineMs,
    oversizedBytes: OVERSIZED_BYTES,
    build: (def) => buildEvent(def, { fresh: fresh() }),
    sign: (body, signOptions = {}) =>
      deliveryHeaders(body, {
        scheme,
        secret: signOptions.secret ?? secret,
        now: signOptions.timestamp === undefined ? runtime.now() : new Date(signOptions.timestamp * 1000),
        messageId: signOptions.messageId ?? `msg_${runtime.uuid().replace(/-/g, '')}`,
        userAgent: options.userAgent,
      }),
    now: () => unixSeconds(runtime.now()),
    send: options.send,
  };
}
