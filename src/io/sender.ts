import { isSuccess, recordBody, type DeliveryKind, type DeliveryRecord } from '../core/delivery.js';
import type { SchemeId } from '../core/schemes/index.js';
import { postBytes, type HttpClient, type PostResult } from './http.js';
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

/** Makes one attempt and describes it as a delivery record; never throws. */
export async function deliver(
  outgoing: Outgoing,
  options: { runtime: Runtime; timeoutMs: number; dispatcher: HttpClient },
): Promise<DeliveryRecord> {
  const deliveryId = newDeliveryId(options.runtime);
  const at = options.runtime.now().toISOString();
  const result = await postBytes(outgoing.url, outgoing.headers, outgoing.body, options);
  return attemptRecord(outgoing, deliveryId, at, result);
}

/** The delivery record of one attempt, whichever client made it. */
export function attemptRecord(
  outgoing: Outgoing,
  deliveryId: string,
  at: string,
  result: PostResult,
): DeliveryRecord {
  return {
    v: 1,
    deliveryId,
    direction: 'sent',
    kind: outgoing.kind,
    at,
    provider: outgoing.provider,
    event: outgoing.event,
    eventId: outgoing.eventId,
    scheme: outgoing.scheme,
    attempt: outgoing.attempt ?? 1,
    ...(outgoing.parentId ? { parentId: outgoing.parentId } : {}),
    groupId: outgoing.groupId ?? deliveryId,
    request: { method: 'POST', url: outgoing.url, headers: outgoing.headers, ...recordBody(outgoing.body) },
    ...(result.status === null
      ? {}
      : { response: { status: result.status, headers: result.headers, ...recordBody(result.body) } }),
    status: result.status,
    ok: isSuccess(result.status),
    durationMs: Math.round(result.durationMs * 1000) / 1000,
    ...(result.error ? { error: result.error } : {}),
  };
}
