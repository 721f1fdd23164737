import { createHash } from 'node:crypto';
import { bodyBytes, type DeliveryRecord } from '../core/delivery.js';
import type { createFlakyPolicy } from '../core/flaky.js';
import { inspectDelivery, receivedRecord, type Inspection } from '../core/inspect.js';
import { unixSeconds } from '../core/providers/types.js';
import { newDeliveryId } from '../io/runtime.js';
import type { DeliveryEvent, DeliveryRole, DeliveryStream } from '../pipeline/stream.js';
import { madeLogText } from '../pipeline/text.js';
import { payloadVerdict, schemaVerdict, type SchemaVerdict } from '../schema/verdict.js';
import { forwardDelivery, type ForwardOptions } from './forward.js';
import { faultMessage } from './guard.js';
import type { History } from './history.js';
import type { ListenerOptions } from './listener.js';
import { answerOf, JSON_TYPE, NOT_INSPECTED, settle, type Reply, type Respondent } from './received.js';

/** What taking a delivery needs of the listener it arrives at. */
export interface DeliveryHost {
  readonly options: ListenerOptions;
  readonly stream: DeliveryStream;
  readonly history: History;
  readonly decide: ReturnType<typeof createFlakyPolicy>;
  readonly role: DeliveryRole | undefined;
  /**
   * Aborted when the listener stops: a wait (--delay) ends at once, and an answer it can no longer
   * send was cut off by the listener, not by the sender.
   */
  readonly stopping: AbortSignal;
  unlogged: number;
  forwardOptions(): ForwardOptions;
  /** A record written (a delivery, or its forward leg); `delivered` once a delivery is answered. */
  recorded(record: DeliveryRecord, delivered: boolean): void;
}

/** A request as the listener records it: names lowercase, repeated values joined. */
export interface Arrival {
  method: string;
  url: string;
  headers: Record<string, string>;
}

const eventOf = (host: DeliveryHost, record: DeliveryRecord): DeliveryEvent =>
  host.role ? { type: 'delivery', record, role: host.role } : { type: 'delivery', record };

/**
 * Verifies, records and answers one delivery whose body has been read. Acknowledge after logging:
 * the record of what goes out is written before it goes out.
 */
export async function deliver(
  host: DeliveryHost,
  arrival: Arrival,
  bytes: Buffer,
  to: Respondent,
  arrived: Date,
  started: number,
): Promise<void> {
  const { options } = host;
  const { headers } = arrival;
  const seen = inspectDelivery(headers, bytes, options.secret, unixSeconds(arrived), options.registry);
  const deliveryId = newDeliveryId(options.runtime, arrived);
  const request = { method: arrival.method, url: arrival.url, headers, bytes };
  const record = receivedRecord(deliveryId, arrived, request, seen);
  if (!seen.problem && options.schemaCheck !== false) record.schema = verdictOf(record, seen, bytes);

  // The answer as a string: written with its head in one write to the socket.
  const reply: Reply = { status: 200, type: JSON_TYPE, body: `{"ok":true,"deliveryId":"${deliveryId}"}` };
  const json = (code: number, body: Record<string, unknown>) => {
    reply.status = code;
    reply.type = JSON_TYPE;
    reply.body = JSON.stringify({ ok: code < 300, deliveryId, ...body });
  };
  // Katana's events carry no id; its retries resend the same bytes, so the body stands in for one.
  const decision = seen.problem
    ? { status: undefined }
    : host.decide(seen.eventId ?? `sha256:${createHash('sha256').update(bytes).digest('hex')}`);
  if (seen.problem) json(400, { error: seen.problem });
  else if (options.strict && seen.signature.verdict !== 'valid') {
    json(401, { error: `signature ${seen.signature.verdict}: ${seen.signature.reason}` });
  } else if (options.strictSchema && record.schema?.verdict === 'invalid') {
    json(422, {
      error: `the body does not match the ${record.event} schema`,
      problems: record.schema.problems,
    });
  } else if (decision.status !== undefined) {
    record.simulated = decision.simulated;
    json(
      decision.status,
      decision.status >= 300 ? { error: `simulated by mes-webhooks (${decision.simulated})` } : {},
    );
  } else if (options.forwardTo) {
    const leg = await forwardDelivery(record, options.forwardTo, host.forwardOptions());
    record.forward = {
      deliveryId: leg.deliveryId,
      url: leg.request.url,
      status: leg.status,
      durationMs: leg.durationMs,
      ...(leg.error ? { error: leg.error } : {}),
    };
    // A leg that could not be written: the delivery's own record decides the answer.
    await host.stream.emit({ type: 'delivery', record: leg, role: 'leg' }).catch(() => undefined);
    host.recorded(leg, false);
    if (leg.response) {
      reply.status = leg.response.status;
      reply.body = bodyBytes(leg.response);
      reply.type = leg.response.headers['content-type'];
    } else {
      json(502, { error: `the app at ${options.forwardTo} did not answer: ${leg.error?.message}` });
    }
  }
  if (options.delayMs) await options.runtime.sleep(options.delayMs, host.stopping);

  // A log already known to be broken: the record says 503 from the start, everywhere it is shown.
  // Not for the in-process receiver of send: its sender's run only warns about the log.
  const durable = !options.echo;
  const broken = durable ? host.stream.failure() : undefined;
  const refuse = (reason: string) => {
    host.unlogged++;
    json(503, { error: `not stored: ${reason}` });
    record.error = { code: 'LOG_UNWRITABLE', message: reason };
  };
  if (broken) refuse(broken);
  const answerNow = () => {
    const answer = answerOf(to, reply);
    settle(record, answer, options.runtime.monotonicMs() - started);
    if (answer === 'gone' && host.stopping.aborted)
      record.error = { code: 'LISTENER_STOPPED', message: 'the listener stopped before it answered' };
    return answer;
  };
  let answer = answerNow();
  host.history.add(record);
  const event = eventOf(host, record);
  const outcome = await host.stream.emit(event);
  if (durable && outcome.unwritten && !broken) {
    // The write failed just now: the sinks saw the planned answer, the sender gets 503.
    refuse(outcome.unwritten);
    answer = answerNow();
    host.history.add(record);
  } else {
    const line = madeLogText(event);
    if (line !== undefined) host.history.seal(deliveryId, line);
  }
  if (answer !== 'gone' && !to.gone()) to.send(answer.status, answer.headers, answer.body);
  else to.drop();
  host.recorded(record, true);
}

/** The schema verdict, from the body inspection already parsed. */
function verdictOf(record: DeliveryRecord, seen: Inspection, bytes: Buffer): SchemaVerdict {
  const own = seen.provider?.schemas;
  return record.provider !== null && record.event !== null
    ? payloadVerdict(record.provider, record.event, seen.payload, own)
    : schemaVerdict(record.provider, record.event, bytes, own);
}

/** The last resort: something threw while handling a request. Answer 500 and keep a record. */
export async function deliverFault(
  host: DeliveryHost,
  arrival: Arrival,
  to: Respondent,
  error: unknown,
): Promise<void> {
  const { runtime } = host.options;
  const deliveryId = newDeliveryId(runtime);
  const request = { ...arrival, bytes: Buffer.alloc(0) };
  const record = receivedRecord(deliveryId, runtime.now(), request, NOT_INSPECTED);
  const body = Buffer.from(
    JSON.stringify({ ok: false, deliveryId, error: 'the listener could not handle this request' }),
  );
  const answered = !to.gone();
  const headers = { 'content-type': 'application/json', 'content-length': String(body.length) };
  settle(record, answered ? { status: 500, headers, body } : 'gone', 0);
  record.error = { code: 'LISTENER_FAULT', message: faultMessage(error) };
  host.history.add(record);
  await host.stream.emit(eventOf(host, record));
  if (answered && !to.gone()) to.send(500, headers, body);
  else to.drop();
  host.recorded(record, false);
}
