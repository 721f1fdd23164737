import { recordBody, type DeliveryRecord } from '../core/delivery.js';
import type { Inspection } from '../core/inspect.js';

/** What a request the listener failed on is taken as: nothing could be read from it. */
export const NOT_INSPECTED: Inspection = {
  provider: undefined,
  scheme: undefined,
  event: null,
  eventId: null,
  signature: { verdict: 'unchecked', reason: 'not inspected: the listener failed on the request' },
};

export type Answer = { status: number; headers: Record<string, string>; body: Buffer | string } | 'gone';

/** Fills in the answer a record's sender really got, or that it went away before one. */
export function settle(record: DeliveryRecord, answer: Answer, durationMs: number): void {
  record.durationMs = Math.round(durationMs * 1000) / 1000;
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
