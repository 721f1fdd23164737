import type { EventDef } from './catalog.js';
import { UsageError } from './errors.js';
import { deepMerge, setPath } from './overrides.js';
import { unixSeconds, type Freshness, type Payload, type Provider } from './providers/types.js';
import { BUILTIN_REGISTRY, type Registry } from './registry.js';
import type { SchemeId } from './schemes/types.js';

export interface BuildOptions {
  fresh: Freshness;
  /** Deep-merged over the fixture (`--data file.json`). */
  data?: unknown;
  /** Applied last, in order (`--set path=value`). */
  sets?: readonly { path: (string | number)[]; value: unknown }[];
  /** The providers the run knows; the built-ins when absent. */
  registry?: Registry;
}

export interface BuiltEvent {
  event: string;
  provider: string;
  payload: Payload;
  /** Exactly the bytes that are sent: compact JSON.stringify output. */
  body: string;
  eventId: string | undefined;
}

export function providerOf(def: { provider: string }, registry: Registry = BUILTIN_REGISTRY): Provider {
  const provider = registry.provider(def.provider);
  if (!provider) throw new UsageError(`unknown provider "${def.provider}"`, undefined, 'E_UNKNOWN_PROVIDER');
  return provider;
}

export function buildEvent(def: EventDef, options: BuildOptions): BuiltEvent {
  const provider = providerOf(def, options.registry);
  // No deep copy: freshen, deepMerge and setPath all copy what they change, never the fixture.
  let payload: unknown = provider.freshen(def.payload, options.fresh);
  if (options.data !== undefined) payload = deepMerge(payload, options.data);
  for (const { path, value } of options.sets ?? []) payload = setPath(payload, path, value);
  if (typeof payload !== 'object' || payload === null || Array.isArray(payload)) {
    throw new UsageError('the event payload must stay a JSON object', undefined, 'E_BAD_PAYLOAD');
  }
  const body = JSON.stringify(payload);
  return {
    event: def.name,
    provider: def.provider,
    payload: payload as Payload,
    body,
    eventId: provider.eventId(payload as Payload),
  };
}

export interface SignOptions {
  scheme: SchemeId;
  secret: string;
  now: Date;
  /** Standard Webhooks' webhook-id; defaults to the event id. */
  messageId: string;
  userAgent: string;
  /** The schemes the run knows; the built-ins when absent. */
  registry?: Registry;
}

/** Every header a delivery carries: content type, user agent, and the scheme's signature headers. */
export function deliveryHeaders(body: string | Uint8Array, options: SignOptions): Record<string, string> {
  let signed: Record<string, string>;
  try {
    signed = (options.registry ?? BUILTIN_REGISTRY).scheme(options.scheme).sign({
      secret: options.secret,
      body,
      timestamp: unixSeconds(options.now),
      messageId: options.messageId,
    });
  } catch (error) {
    // The scheme's message says what the secret must be and how to use a plain one.
    throw new UsageError((error as Error).message, undefined, 'E_BAD_SECRET');
  }
  return { 'content-type': 'application/json', 'user-agent': options.userAgent, ...signed };
}
