import { buildEvent, deliveryHeaders } from '../build.js';
import type { EventDef } from '../catalog.js';
import { unixSeconds, type Freshness, type Provider } from '../providers/types.js';
import type { Registry } from '../registry.js';
import type { SchemeId } from '../schemes/types.js';
import type { Probe, ProbeResult, VerifyContext } from './kit.js';

/** The oversized-body check pads a delivery to this size. */
export const OVERSIZED_BYTES = 6 * 1024 * 1024;

export interface VerifyContextOptions {
  registry: Registry;
  provider: Provider;
  scheme: SchemeId;
  secret: string;
  /** The events `signature.valid` sends, all of this provider. */
  events: readonly EventDef[];
  /** Looks an event up by name, for the provider's lifecycle. */
  find(name: string, provider: string): EventDef;
  deadlineMs: number;
  runtime: { now(): Date; uuid(): string; random(): number };
  userAgent: string;
  processedCount?: VerifyContext['processedCount'];
  /** How a probe reaches the receiver: over HTTP, or into an in-process handler. */
  send(probe: Probe): Promise<ProbeResult>;
}

/**
 * Everything the checks need, built one way for `verify <url>` and for the testing kit; only the
 * transport differs between them.
 */
export function createVerifyContext(options: VerifyContextOptions): VerifyContext {
  const { registry, provider, scheme, secret, runtime } = options;
  const lifecycle = registry.lifecycle(provider.id).map((name) => options.find(name, provider.id));
  const fresh = (): Freshness => ({ now: runtime.now(), uuid: runtime.uuid });
  const randomBytes = Buffer.from(Array.from({ length: 24 }, () => Math.floor(runtime.random() * 256)));
  return {
    registry,
    provider,
    scheme,
    secret,
    wrongSecret: `whsec_${randomBytes.toString('base64')}`,
    events: options.events,
    lifecycle,
    primary: lifecycle[0] ?? options.events[0]!,
    deadlineMs: options.deadlineMs,
    oversizedBytes: OVERSIZED_BYTES,
    build: (def) => buildEvent(def, { fresh: fresh(), registry }),
    sign: (body, signOptions = {}) =>
      deliveryHeaders(body, {
        scheme,
        secret: signOptions.secret ?? secret,
        now: signOptions.timestamp === undefined ? runtime.now() : new Date(signOptions.timestamp * 1000),
        messageId: signOptions.messageId ?? `msg_${runtime.uuid().replace(/-/g, '')}`,
        userAgent: options.userAgent,
        registry,
      }),
    now: () => unixSeconds(runtime.now()),
    ...(options.processedCount ? { processedCount: options.processedCount } : {}),
    send: options.send,
  };
}
