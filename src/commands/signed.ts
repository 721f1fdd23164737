import type { EventDef } from '../core/catalog.js';
import { buildEvent, deliveryHeaders, providerOf, type BuiltEvent } from '../core/build.js';
import type { SchemeId } from '../core/schemes/index.js';
import { registryOf } from '../io/config.js';
import type { Context } from '../ui/context.js';
import { USER_AGENT } from '../version.js';
import type { EventSettings } from './common.js';
import { checkBuildOnce } from './schema-check.js';

export interface SignedEvent extends BuiltEvent {
  scheme: SchemeId;
  headers: Record<string, string>;
}

/** A fresh event built from its fixture, with the user's --data and --set, before it is signed. */
export function freshEvent(ctx: Context, def: EventDef, settings: EventSettings): BuiltEvent & { now: Date } {
  const now = new Date(ctx.runtime.now().getTime() + settings.clockOffsetMs);
  const built = buildEvent(def, {
    registry: registryOf(ctx.config),
    fresh: { now, uuid: ctx.runtime.uuid },
    data: settings.data,
    sets: settings.sets,
  });
  checkBuildOnce(ctx, def, built.payload, settings);
  return { ...built, now };
}

/** A fresh event built from its fixture, signed, with the user's extra headers on top. */
export function signedEvent(
  ctx: Context,
  def: EventDef,
  settings: EventSettings,
  scheme?: SchemeId,
): SignedEvent {
  const { now, ...built } = freshEvent(ctx, def, settings);
  const registry = registryOf(ctx.config);
  const use = scheme ?? providerOf(def, registry).scheme;
  const headers = {
    ...deliveryHeaders(built.body, {
      scheme: use,
      secret: settings.secretFor(def.provider),
      now,
      messageId: built.eventId ?? `msg_${ctx.runtime.uuid().replace(/-/g, '')}`,
      userAgent: USER_AGENT,
      registry,
    }),
    ...settings.headers,
  };
  return { ...built, scheme: use, headers };
}

/** A file's exact bytes as the payload, signed as they are: no freshening, merging or re-serializing. */
export function signedBody(
  ctx: Context,
  def: EventDef,
  body: string,
  settings: EventSettings,
  scheme?: SchemeId,
): SignedEvent {
  const now = new Date(ctx.runtime.now().getTime() + settings.clockOffsetMs);
  const registry = registryOf(ctx.config);
  const provider = providerOf(def, registry);
  const payload = JSON.parse(body) as BuiltEvent['payload'];
  const eventId = provider.eventId(payload);
  const use = scheme ?? provider.scheme;
  const headers = {
    ...deliveryHeaders(body, {
      scheme: use,
      secret: settings.secretFor(def.provider),
      now,
      messageId: eventId ?? `msg_${ctx.runtime.uuid().replace(/-/g, '')}`,
      userAgent: USER_AGENT,
      registry,
    }),
    ...settings.headers,
  };
  return { event: def.name, provider: def.provider, payload, body, eventId, scheme: use, headers };
}
