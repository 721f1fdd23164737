import type { EventDef } from '../core/catalog.js';
import { buildEvent, deliveryHeaders, providerOf, type BuiltEvent } from '../core/build.js';
import type { SchemeId } from '../core/schemes/index.js';
import type { DeliveryRecord } from '../core/delivery.js';
import type { HttpClient } from '../io/http.js';
import { warnUnstored, type DeliveryStore } from '../io/store.js';
import { deliver } from '../io/sender.js';
import { newToken } from '../io/runtime.js';
import { createListener, DEFAULT_HOST, DEFAULT_MAX_BODY_BYTES, type Listener } from '../server/listener.js';
import type { Context } from '../ui/context.js';
import { USER_AGENT } from '../version.js';
import type { EventSettings } from './common.js';

/** POSTs a signed event and describes the attempt as a delivery record. */
export function deliverEvent(
  ctx: Context,
  def: EventDef,
  event: SignedEvent,
  url: string,
  options: { timeoutMs?: number; dispatcher: HttpClient },
): Promise<DeliveryRecord> {
  return deliver(
    {
      kind: 'send',
      url,
      headers: event.headers,
      body: event.body,
      provider: def.provider,
      event: def.name,
      eventId: event.eventId ?? null,
      scheme: event.scheme,
    },
    {
      runtime: ctx.runtime,
      timeoutMs: options.timeoutMs ?? providerOf(def).deadlineMs,
      dispatcher: options.dispatcher,
    },
  );
}

export interface SignedEvent extends BuiltEvent {
  scheme: SchemeId;
  headers: Record<string, string>;
}

/** A fresh event built from its fixture, signed, with the user's extra headers on top. */
export function signedEvent(
  ctx: Context,
  def: EventDef,
  settings: EventSettings,
  scheme?: SchemeId,
): SignedEvent {
  const now = new Date(ctx.runtime.now().getTime() + settings.clockOffsetMs);
  const built = buildEvent(def, {
    fresh: { now, uuid: ctx.runtime.uuid },
    data: settings.data,
    sets: settings.sets,
  });
  const use = scheme ?? providerOf(def).scheme;
  const headers = {
    ...deliveryHeaders(built.body, {
      scheme: use,
      secret: settings.secretFor(def.provider),
      now,
      messageId: built.eventId ?? `msg_${ctx.runtime.uuid().replace(/-/g, '')}`,
      userAgent: USER_AGENT,
    }),
    ...settings.headers,
  };
  return { ...built, scheme: use, headers };
}

/** With no target anywhere, a listener in this process receives what is sent. */
export async function startLocalReceiver(
  ctx: Context,
  secret: string,
  log: DeliveryStore | undefined,
): Promise<Listener> {
  const listener = createListener({
    host: DEFAULT_HOST,
    port: 0,
    secret,
    strict: false,
    maxBodyBytes: DEFAULT_MAX_BODY_BYTES,
    runtime: ctx.runtime,
    token: newToken(),
  });
  const unstored = warnUnstored(ctx);
  listener.on('record', (record) => {
    void log?.append(record).catch(unstored);
  });
  await listener.start();
  ctx.err(
    ctx.color.dim(
      `No target set (--to, MES_WEBHOOKS_URL or the config file): sending to a listener started here at ${listener.url}`,
    ),
  );
  return listener;
}
