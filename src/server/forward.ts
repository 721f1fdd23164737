import type { DeliveryRecord } from '../core/delivery.js';
import { bodyBytes } from '../core/delivery.js';
import type { HttpClient } from '../io/http.js';
import type { Runtime } from '../io/runtime.js';
import { deliver } from '../io/sender.js';

/** Headers that belong to one connection, not to the delivery; everything else passes unchanged. */
const HOP_BY_HOP = new Set([
  'connection',
  'keep-alive',
  'proxy-connection',
  'transfer-encoding',
  'te',
  'trailer',
  'upgrade',
  'host',
  'content-length',
]);

export function forwardableHeaders(headers: Record<string, string>): Record<string, string> {
  return Object.fromEntries(Object.entries(headers).filter(([name]) => !HOP_BY_HOP.has(name)));
}

export interface ForwardOptions {
  runtime: Runtime;
  timeoutMs: number;
  dispatcher: HttpClient;
}

/** Passes a received delivery on with its exact bytes and headers, so signatures stay valid. */
export function forwardDelivery(
  received: Pick<
    DeliveryRecord,
    'deliveryId' | 'groupId' | 'provider' | 'event' | 'eventId' | 'scheme' | 'request'
  >,
  target: string,
  options: ForwardOptions,
): Promise<DeliveryRecord> {
  const url = new URL(received.request.url, target);
  // The target's own path wins; the query string of the delivery is kept.
  const forwardTo = new URL(target);
  forwardTo.search = url.search;
  return deliver(
    {
      kind: 'forward',
      url: forwardTo.toString(),
      headers: forwardableHeaders(received.request.headers),
      body: bodyBytes(received.request),
      provider: received.provider,
      event: received.event,
      eventId: received.eventId,
      scheme: received.scheme,
      parentId: received.deliveryId,
      groupId: received.groupId,
    },
    options,
  );
}
