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

// Built field by field, not by spreading optional parts: the same keys in the same order, without
// the slow objects spreads make, since every delivery of a load run or a busy listener passes here.
export function deliveryJson(r: DeliveryRecord): DeliveryJson {
  const out: DeliveryJson = {
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
  if (r.signature) out.signature = r.signature;
  if (r.schema) out.schema = r.schema;
  if (r.error) out.error = asError(r.error);
  const link = r.parentId ? LINK[r.kind] : undefined;
  if (link) out[link] = r.parentId;
  if (r.forward) {
    const forwardError = asError(r.forward.error);
    out.forward = {
      deliveryId: r.forward.deliveryId,
      url: r.forward.url,
      status: r.forward.status,
      durationMs: r.forward.durationMs,
    };
    if (forwardError) out.forward.error = forwardError;
  }
  if (r.simulated) out.simulated = r.simulated;
  return out;
}

/**
 * A line of the delivery log: the delivery's JSON shape plus the exact request and response, and the
 * parent id that older readers know the links by.
 */
export function logRecord(
  r: DeliveryRecord,
): DeliveryJson & Pick<DeliveryRecord, 'parentId' | 'request' | 'response'> {
  const out = deliveryJson(r) as DeliveryJson & Pick<DeliveryRecord, 'parentId' | 'request' | 'response'>;
  if (r.parentId) out.parentId = r.parentId;
  out.request = r.request;
  if (r.response) out.response = r.response;
  return out;
}

/**
 * A record's log line, set by a producer that built it from pieces at hand (a load run's sends). It
 * names the record it was made for: a copy made by spreading carries it along, but is not that
 * record, so it is serialized afresh (a plain property, cheaper to set than a hidden one).
 */
export const PRESET_LINE = Symbol('log line');
export interface PresetLine {
  line: string;
  of: DeliveryRecord;
}

export function logLine(r: DeliveryRecord): string {
  const preset = (r as { [PRESET_LINE]?: PresetLine })[PRESET_LINE];
  return preset !== undefined && preset.of === r ? preset.line : JSON.stringify(logRecord(r));
}
