import type { IncomingMessage } from 'node:http';
import { recordBody, type DeliveryRecord } from '../core/delivery.js';
import { normalizeHeaders } from '../core/headers.js';
import { newDeliveryId, type Runtime } from '../io/runtime.js';
import type { Inspection } from './inspect.js';

/** The record of a delivery as it arrived, before it is answered. */
export function receivedRecord(
  req: IncomingMessage,
  bytes: Buffer,
  seen: Inspection | undefined,
  runtime: Runtime,
  arrived: Date,
): DeliveryRecord {
  const deliveryId = newDeliveryId(runtime);
  const headers = normalizeHeaders(req.headers);
  return {
    v: 1,
    deliveryId,
    direction: 'received',
    kind: 'receive',
    at: arrived.toISOString(),
    provider: seen?.provider?.id ?? null,
    event: seen?.event ?? null,
    eventId: seen?.eventId ?? null,
    scheme: seen?.scheme?.id ?? null,
    attempt: 1,
    groupId: deliveryId,
    request: { method: req.method ?? 'POST', url: req.url ?? '/', headers, ...recordBody(bytes) },
    status: null,
    ok: false,
    durationMs: 0,
    ...(seen ? { signature: seen.signature } : {}),
    ...(seen?.problem ? { error: { code: 'BAD_BODY', message: seen.problem } } : {}),
  };
}

/** Fills in the answer a record's sender really got, or that it went away before one. */
export function settle(
  record: DeliveryRecord,
  answer: { status: number; headers: Record<string, string>; body: Buffer } | 'gone',
  started: bigint,
): void {
  record.durationMs = Math.round((Number(process.hrtime.bigint() - started) / 1e6) * 1000) / 1000;
  if (answer === 'gone') {
    delete record.response;
    record.status = null;
    record.ok = false;
    record.error = { code: 'CLIENT_GONE', message: 'the sender hung up before it was answered' };
    return;
  }
  record.response = { status: answer.status, headers: answer.headers, ...recordBody(answer.body) };
  record.status = answer.status;
  record.ok = answer.status >= 200 && answer.status < 300;
}
