import { randomBytes } from 'node:crypto';
import { buildEvent, deliveryHeaders } from '../core/build.js';
import { createCatalog } from '../core/catalog.js';
import { parsePath } from '../core/overrides.js';
import type { Payload, Provider } from '../core/providers/index.js';
import { BUILTIN_REGISTRY } from '../core/registry.js';
import type { SchemeId } from '../core/schemes/index.js';
import { BUILTIN_EVENTS, type EventName } from '../generated/catalog.js';
import { systemRuntime } from '../io/runtime.js';
import { DEV_SECRET } from '../io/config.js';
import { USER_AGENT } from '../version.js';

export const catalog = createCatalog(BUILTIN_EVENTS);

/** A clock: a fixed moment, or a function read at each use (a fake clock's `now`). */
export type Clock = Date | number | (() => Date | number);

export const readClock = (clock: Clock | undefined): Date => {
  const value = typeof clock === 'function' ? clock() : (clock ?? systemRuntime.now());
  return value instanceof Date ? value : new Date(value);
};

/** Ways to break a delivery after it is built, each of which a correct receiver refuses. */
export type Tamper = 'body' | 'signature' | 'timestamp-stale' | 'timestamp-future' | 'secret';
export const TAMPERS: readonly Tamper[] = [
  'body',
  'signature',
  'timestamp-stale',
  'timestamp-future',
  'secret',
];

/** Far enough outside any built-in tolerance (5 minutes) to be refused. */
const SKEW_SEC = 600;

export interface EventOptions {
  /** Pick the event from this provider, where names could clash. */
  provider?: string;
  /** Overrides by dot path, applied last: `{ 'data.workOrder.quantity': 250 }`. */
  set?: Record<string, unknown>;
  /** Deep-merged over the fixture before `set`. */
  data?: unknown;
  /** Sign with another scheme than the provider's. */
  scheme?: SchemeId;
  /** The receiver's secret; the development secret when absent. */
  secret?: string;
  /** When the event happens and is signed. */
  now?: Clock;
  /** Extra request headers, applied over the built ones. */
  headers?: Record<string, string>;
  tamper?: Tamper;
}

/** What was sent: the exact bytes and headers, and what they stand for. */
export interface SentDelivery {
  event: string;
  provider: string;
  scheme: SchemeId;
  eventId: string | null;
  payload: Payload;
  body: string;
  headers: Record<string, string>;
  tamper?: Tamper;
}

/** The providers and schemes the kit knows: the built-in ones, as the library's. */
export const registry = BUILTIN_REGISTRY;

export function providerFor(id: string | undefined): Provider {
  const provider = registry.provider(id ?? 'mes');
  if (!provider) throw new TypeError(`unknown provider "${id}"`);
  return provider;
}

/** Builds, signs and (when asked) breaks one delivery, as the platform would send it. */
export function makeDelivery(event: EventName | string, options: EventOptions = {}): SentDelivery {
  const def = catalog.find(event, options.provider);
  const provider = providerFor(def.provider);
  const scheme = options.scheme ?? provider.scheme;
  const now = readClock(options.now);
  const built = buildEvent(def, {
    fresh: { now, uuid: systemRuntime.uuid },
    data: options.data,
    sets: Object.entries(options.set ?? {}).map(([path, value]) => ({ path: parsePath(path), value })),
    registry,
  });
  const tamper = options.tamper;
  if (tamper?.startsWith('timestamp-') && registry.scheme(scheme).toleranceSec === null)
    throw new TypeError(`tamper "${tamper}": the ${scheme} scheme signs no timestamp`);
  const skew = tamper === 'timestamp-stale' ? -SKEW_SEC : tamper === 'timestamp-future' ? SKEW_SEC : 0;
  const secret = options.secret ?? DEV_SECRET;
  const sign = (body: string, withSecret: string) =>
    deliveryHeaders(body, {
      scheme,
      secret: withSecret,
      now: new Date(now.getTime() + skew * 1000),
      messageId: built.eventId ?? `msg_${systemRuntime.uuid().replace(/-/g, '')}`,
      userAgent: USER_AGENT,
      registry,
    });
  let body = built.body;
  let headers = sign(body, tamper === 'secret' ? `whsec_${randomBytes(24).toString('base64')}` : secret);
  if (tamper === 'body') body = JSON.stringify({ ...built.payload, tampered: true });
  // A well-formed signature with the right secret and time, over other bytes.
  if (tamper === 'signature') headers = sign(`${body} `, secret);
  return {
    event: def.name,
    provider: def.provider,
    scheme,
    eventId: built.eventId ?? headers['webhook-id'] ?? null,
    payload: structuredClone(built.payload),
    body,
    headers: { ...headers, ...options.headers },
    ...(tamper ? { tamper } : {}),
  };
}
