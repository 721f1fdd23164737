import type { EventDef } from '../core/catalog.js';
import { providerOf } from '../core/build.js';
import type { DeliveryRecord } from '../core/delivery.js';
import type { HttpClient } from '../io/http.js';
import { runLoad } from '../io/load.js';
import { deliver, sentRecord } from '../io/sender.js';
import { newDeliveryId } from '../io/runtime.js';
import { registryOf } from '../io/config.js';
import type { DeliveryStream } from '../pipeline/stream.js';
import type { Listener } from '../server/listener.js';
import type { Context } from '../ui/context.js';
import type { LoadEvent } from './event-template.js';
import { presetLine } from './load-line.js';
import type { SignedEvent } from './signed.js';

// Built and signed events live apart from sending, so `payload` loads no HTTP client or server.
export { signedBody, signedEvent, type SignedEvent } from './signed.js';

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
      timeoutMs: options.timeoutMs ?? providerOf(def, registryOf(ctx.config)).deadlineMs,
      dispatcher: options.dispatcher,
    },
  );
}

/**
 * The origin a load run to these URLs drives; undefined when they span several origins (one engine
 * run drives one origin) or https, which leave such a run to undici.
 */
export function loadOrigin(urls: string[]): string | undefined {
  const origins = new Set(urls.map((u) => new URL(u).origin));
  if (origins.size !== 1 || !urls[0]!.startsWith('http:')) return undefined;
  return [...origins][0];
}

/** `total` deliveries of `defs` in turn through the load engine, each a fresh signed event. */
export async function loadEvents(
  ctx: Context,
  origin: string,
  defs: EventDef[],
  options: {
    total: number;
    connections: number;
    timeoutMs?: number;
    urlOf: (def: EventDef) => string;
    /** The next event of `defs[index]`, fresh and signed, as sent at `now` (the runtime's time). */
    build: (index: number, now: Date) => LoadEvent;
    settle: (record: DeliveryRecord) => void;
    /** Aborting stops the run: no more requests are built; those in flight are waited for. */
    signal?: AbortSignal;
    /** Aborting cuts off what is in flight (SENDER_STOPPED). */
    cutOff?: AbortSignal;
  },
): Promise<void> {
  const urls = defs.map(options.urlOf);
  const paths = urls.map((text) => {
    const url = new URL(text);
    return `${url.pathname}${url.search}`;
  });
  let index = 0;
  await runLoad({
    origin,
    total: options.total,
    connections: options.connections,
    signal: options.signal,
    cutOff: options.cutOff,
    timeoutMs:
      options.timeoutMs ?? Math.max(...defs.map((def) => providerOf(def, registryOf(ctx.config)).deadlineMs)),
    next: () => {
      const at = index++ % defs.length;
      const def = defs[at]!;
      // The clock is read once a request: for the event, its delivery id and its record.
      const sentAt = ctx.runtime.now();
      const event = options.build(at, sentAt);
      // One object is both the request the engine writes and the sending its record describes.
      return {
        kind: 'send' as const,
        path: paths[at]!,
        url: urls[at]!,
        headers: event.headers,
        body: event.body,
        provider: def.provider,
        event: def.name,
        eventId: event.eventId ?? null,
        scheme: event.scheme,
        deliveryId: newDeliveryId(ctx.runtime, sentAt),
        sentAt,
        bodyJson: event.bodyJson,
      };
    },
    settle: (request, result) => {
      const record = sentRecord(request, result, { deliveryId: request.deliveryId, at: request.sentAt });
      presetLine(record, request.bodyJson);
      options.settle(record);
    },
  });
}

/** With no target anywhere, a listener in this process receives what is sent. */
export async function startLocalReceiver(
  ctx: Context,
  secret: string,
  stream: DeliveryStream,
): Promise<Listener> {
  // Loaded here, not up front: a send with a target needs no server (nor its WebSocket feed).
  const { createListener, DEFAULT_HOST, DEFAULT_MAX_BODY_BYTES } = await import('../server/listener.js');
  const listener = createListener({
    host: DEFAULT_HOST,
    port: 0,
    secret,
    strict: false,
    maxBodyBytes: DEFAULT_MAX_BODY_BYTES,
    runtime: ctx.runtime,
    token: ctx.runtime.token(),
    registry: registryOf(ctx.config),
    stream,
    echo: true,
  });
  await listener.start();
  ctx.err(
    ctx.color.dim(
      `No target set (--to, MES_WEBHOOKS_URL or the config file): sending to a listener started here at ${listener.url}`,
    ),
  );
  return listener;
}
