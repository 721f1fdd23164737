import type { DeliveryRecord } from './delivery.js';

/** The version of the delivery JSON shape; raised when a field changes meaning or goes away. */
export const DELIVERY_JSON_VERSION = 1;

export interface JsonError {
  code: string;
  message: string;
}

/** The one JSON shape of a delivery: send, listen, logs, replay, retry, scenario and the feed print it. */
export interface DeliveryJson {
  v: number;
  deliveryId: string;
  direction: DeliveryRecord['direction'];
  kind: DeliveryRecord['kind'];
  provider: string | null;
  event: string | null;
  eventId: string | null;
  scheme: string | null;
  url: string;
  status: number | null;
  ok: boolean;
  attempt: number;
  durationMs: number;
  at: string;
  groupId: string;
  signature?: { verdict: string; reason: string };
  /** Whether a received body matches its event's JSON Schema. */
  schema?: DeliveryRecord['schema'];
  error?: JsonError;
  retryOf?: string;
  replayOf?: string;
  forwardOf?: string;
  forward?: { deliveryId: string; url: string; status: number | null; durationMs: number; error?: JsonError };
  simulated?: string;
}

/** Older logs wrote a forward leg's error as a bare string. */
function asError(error: JsonError | string | undefined): JsonError | undefined {
  if (error === undefined) return undefined;
  return typeof error === 'string' ? { code: 'ERROR', message: error } : error;
}

const LINK: Partial<Record<DeliveryRecord['kind'], 'retryOf' | 'replayOf' | 'forwardOf'>> = {
  retry: 'retryOf',
  replay: 'replayOf',
  forward: 'forwardOf',
};

export function deliveryJson(r: DeliveryRecord): DeliveryJson {
  // Built field by field in the documented order, not by spreads: it is made for every delivery.
  const json: DeliveryJson = {
    v: DELIVERY_JSON_VERSION,
    deliveryId: r.deliveryId,
    direction: r.direction,
    kind: r.kind,
    provider: r.provider,
    event: r.event,
    eventId: r.eventId,
    scheme: r.scheme,
    url: r.request.url,
    status: r.status,
    ok: r.ok,
    attempt: r.attempt,
    durationMs: r.durationMs,
    at: r.at,
    groupId: r.groupId,
  };
  if (r.signature) json.signature = r.signature;
  if (r.schema) json.schema = r.schema;
  if (r.error) json.error = asError(r.error);
  const link = r.parentId ? LINK[r.kind] : undefined;
  if (link) json[link] = r.parentId;
  if (r.forward) {
    const forwardError = asError(r.forward.error);
    json.forward = {
      deliveryId: r.forward.deliveryId,
      url: r.forward.url,
      status: r.forward.status,
      durationMs: r.forward.durationMs,
      ...(forwardError ? { error: forwardError } : {}),
    };
  }
  if (r.simulated) json.simulated = r.simulated;
  return json;
}

/**
 * A line of the delivery log: the delivery's JSON shape plus the exact request and response, and the
 * parent id that older readers know the links by.
 */
export function logRecord(r: DeliveryRecord) {
  return {
    ...deliveryJson(r),
    ...(r.parentId ? { parentId: r.parentId } : {}),
    request: r.request,
    ...(r.response ? { response: r.response } : {}),
  };
}

export function logLine(r: DeliveryRecord): string {
  return JSON.stringify(logRecord(r));
}
