import { buildEvent as buildFromDef, deliveryHeaders } from './core/build.js';
import { createCatalog } from './core/catalog.js';
import { parsePath } from './core/overrides.js';
import { findProvider } from './core/providers/index.js';
import type { SchemeId } from './core/schemes/index.js';
import { BUILTIN_EVENTS, type EventName, type EventPayloads } from './generated/catalog.js';
import { systemRuntime } from './io/runtime.js';
import { DEV_SECRET } from './io/config.js';
import { USER_AGENT } from './version.js';

export interface EventInfo {
  name: EventName;
  provider: string;
  description: string;
}

/** Every built-in event type: 81 across MES, Tracktile, Betterez and Katana. */
export const events: readonly EventInfo[] = BUILTIN_EVENTS.map(({ name, provider, description }) => ({
  name: name as EventName,
  provider,
  description,
}));

const catalog = createCatalog(BUILTIN_EVENTS);

export interface BuildEventOptions {
  /** Pick the event from this provider, where names could clash. */
  provider?: string;
  /** Overrides by dot path, applied last: `{ 'data.workOrder.quantity': 250 }`. */
  set?: Record<string, unknown>;
  /** Deep-merged over the fixture before `set`. */
  data?: unknown;
  /** Signing secret; the development secret when absent. */
  secret?: string;
  /** Sign with another scheme than the provider's. */
  scheme?: SchemeId;
  now?: Date;
}

export interface BuiltWebhook<E extends EventName> {
  event: E;
  provider: string;
  payload: EventPayloads[E];
  /** The exact bytes to send: compact JSON. */
  body: string;
  /** content-type, user-agent and the signature headers. */
  headers: Record<string, string>;
  eventId: string | undefined;
}

/** A fresh, signed event, as `mes-webhooks send` would send it: for unit tests of a receiver. */
export function buildEvent<E extends EventName>(event: E, options: BuildEventOptions = {}): BuiltWebhook<E> {
  const def = catalog.find(event, options.provider);
  const now = options.now ?? systemRuntime.now();
  const built = buildFromDef(def, {
    fresh: { now, uuid: systemRuntime.uuid },
    data: options.data,
    sets: Object.entries(options.set ?? {}).map(([path, value]) => ({ path: parsePath(path), value })),
  });
  const headers = deliveryHeaders(built.body, {
    scheme: options.scheme ?? findProvider(def.provider)!.scheme,
    secret: options.secret ?? DEV_SECRET,
    now,
    messageId: built.eventId ?? `msg_${systemRuntime.uuid().replace(/-/g, '')}`,
    userAgent: USER_AGENT,
  });
  // The payload shares untouched parts with the catalog; the caller gets a copy it may change.
  return { ...built, event, payload: structuredClone(built.payload) as EventPayloads[E], headers };
}
