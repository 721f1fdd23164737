import type { DeliveryRecord } from '../core/delivery.js';
import { inspectDelivery, receivedRecord, type Inspection } from '../core/inspect.js';
import { unixSeconds } from '../core/providers/types.js';
import type { Registry } from '../core/registry.js';
import { newDeliveryId, type Runtime } from '../io/runtime.js';
import { payloadVerdict, schemaVerdict, type SchemaVerdict } from '../schema/verdict.js';
import { JSON_TYPE, type Reply } from './received.js';

/** What examining a delivery needs: no sockets, files or streams, so a worker thread can do it. */
export interface ExamineOptions {
  secret: string;
  strict: boolean;
  strictSchema?: boolean;
  schemaCheck?: boolean;
  registry?: Registry;
  runtime: Runtime;
}

/** A request as the listener records it: names lowercase, repeated values joined. */
export interface Arrival {
  method: string;
  url: string;
  headers: Record<string, string>;
}

export interface Examined {
  record: DeliveryRecord;
  seen: Inspection;
  /** What it is answered unless the listener's own policy (--status, --forward-to) says otherwise. */
  reply: Reply;
  /** The body or signature was refused (400, 401, 422): no policy applies. */
  refused: boolean;
}

/** Sets a JSON answer that names the delivery. */
export function jsonReply(
  reply: Reply,
  deliveryId: string,
  code: number,
  body: Record<string, unknown>,
): void {
  reply.status = code;
  reply.type = JSON_TYPE;
  reply.body = JSON.stringify({ ok: code < 300, deliveryId, ...body });
}

/** Verifies a delivery whose body has been read, and makes its record and its planned answer. */
export function examine(options: ExamineOptions, arrival: Arrival, bytes: Buffer, arrived: Date): Examined {
  const { headers } = arrival;
  const seen = inspectDelivery(headers, bytes, options.secret, unixSeconds(arrived), options.registry);
  const deliveryId = newDeliveryId(options.runtime);
  const request = { method: arrival.method, url: arrival.url, headers, bytes };
  const record = receivedRecord(deliveryId, arrived, request, seen);
  if (!seen.problem && options.schemaCheck !== false) record.schema = verdictOf(record, seen, bytes);

  // The answer as a string: written with its head in one write to the socket.
  const reply: Reply = { status: 200, type: JSON_TYPE, body: `{"ok":true,"deliveryId":"${deliveryId}"}` };
  let refused = true;
  if (seen.problem) jsonReply(reply, deliveryId, 400, { error: seen.problem });
  else if (options.strict && seen.signature.verdict !== 'valid') {
    jsonReply(reply, deliveryId, 401, {
      error: `signature ${seen.signature.verdict}: ${seen.signature.reason}`,
    });
  } else if (options.strictSchema && record.schema?.verdict === 'invalid') {
    jsonReply(reply, deliveryId, 422, {
      error: `the body does not match the ${record.event} schema`,
      problems: record.schema.problems,
    });
  } else refused = false;
  return { record, seen, reply, refused };
}

/** The schema verdict, from the body inspection already parsed. */
function verdictOf(record: DeliveryRecord, seen: Inspection, bytes: Buffer): SchemaVerdict {
  const own = seen.provider?.schemas;
  return record.provider !== null && record.event !== null
    ? payloadVerdict(record.provider, record.event, seen.payload, own)
    : schemaVerdict(record.provider, record.event, bytes, own);
}
