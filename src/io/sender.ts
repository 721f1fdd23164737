import { isSuccess, recordBody, type DeliveryKind, type DeliveryRecord } from '../core/delivery.js';
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
  return {
    v: 1,
    deliveryId,
    direction: 'sent',
    kind: outgoing.kind,
    at: meta.at.toISOString(),
    provider: outgoing.provider,
    event: outgoing.event,
    eventId: outgoing.eventId,
    scheme: outgoing.scheme,
    attempt: outgoing.attempt ?? 1,
    ...(outgoing.parentId ? { parentId: outgoing.parentId } : {}),
    groupId: outgoing.groupId ?? deliveryId,
    request: { method: 'POST', url: outgoing.url, headers: outgoing.headers, ...recordBody(outgoing.body) },
    ...(answer.status === null
      ? {}
      : { response: { status: answer.status, headers: answer.headers, ...recordBody(answer.body) } }),
    status: answer.status,
    ok: isSuccess(answer.status),
    durationMs: Math.round(answer.durationMs * 1000) / 1000,
    ...(answer.error ? { error: answer.error } : {}),
  };
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
