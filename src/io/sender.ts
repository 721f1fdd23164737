import { isoTime, isSuccess, recordBody, type DeliveryKind, type DeliveryRecord } from '../core/delivery.js';
import type { SchemeId } from '../core/schemes/index.js';
import { postBytes, type HttpClient } from './http.js';
import { newDeliveryId, type Runtime } from './runtime.js';

export interface Outgoing {
  kind: Exclude<DeliveryKind, 'receive'>;
  url: string;
  headers: Record<string, string>;
  body: string | Uint8Array;
  provider: string | null;
  event: string | null;
  eventId: string | null;
  scheme: SchemeId | null;
  attempt?: number;
  parentId?: string;
  groupId?: string;
}

/** What came back from one attempt, over HTTP or from an in-process handler. */
export interface AttemptAnswer {
  status: number | null;
  headers: Record<string, string>;
  body: Uint8Array;
  durationMs: number;
  error?: { code: string; message: string };
}

/** One sent attempt as a delivery record: `send`'s and the testing kit's alike. */
export function sentRecord(
  outgoing: Outgoing,
  answer: AttemptAnswer,
  meta: { deliveryId: string; at: Date },
): DeliveryRecord {
  const { deliveryId } = meta;
  // Field by field in the record's order, without spreads: a load run makes thousands a second.
  const record: DeliveryRecord = {
    v: 1,
    deliveryId,
    direction: 'sent',
    kind: outgoing.kind,
    at: isoTime(meta.at),
    provider: outgoing.provider,
    event: outgoing.event,
    eventId: outgoing.eventId,
    scheme: outgoing.scheme,
    attempt: outgoing.attempt ?? 1,
  } as DeliveryRecord;
  if (outgoing.parentId) record.parentId = outgoing.parentId;
  record.groupId = outgoing.groupId ?? deliveryId;
  const sent = recordBody(outgoing.body);
  record.request = {
    method: 'POST',
    url: outgoing.url,
    headers: outgoing.headers,
    body: sent.body,
    bodyEncoding: sent.bodyEncoding,
  };
  if (answer.status !== null) {
    const got = recordBody(answer.body);
    record.response = {
      status: answer.status,
      headers: answer.headers,
      body: got.body,
      bodyEncoding: got.bodyEncoding,
    };
  }
  record.status = answer.status;
  record.ok = isSuccess(answer.status);
  record.durationMs = Math.round(answer.durationMs * 1000) / 1000;
  if (answer.error) record.error = answer.error;
  return record;
}

/** Makes one attempt and describes it as a delivery record; never throws. */
export async function deliver(
  outgoing: Outgoing,
  options: { runtime: Runtime; timeoutMs: number; dispatcher: HttpClient },
): Promise<DeliveryRecord> {
  const deliveryId = newDeliveryId(options.runtime);
  const at = options.runtime.now();
  const result = await postBytes(outgoing.url, outgoing.headers, outgoing.body, options);
  return sentRecord(outgoing, result, { deliveryId, at });
}
