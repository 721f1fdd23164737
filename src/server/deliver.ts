import { createHash } from 'node:crypto';
import { bodyBytes, type DeliveryRecord } from '../core/delivery.js';
import type { createFlakyPolicy } from '../core/flaky.js';
import { receivedRecord } from '../core/inspect.js';
import { newDeliveryId } from '../io/runtime.js';
import type { DeliveryEvent, DeliveryRole, DeliveryStream } from '../pipeline/stream.js';
import { madeLogText, madeTexts } from '../pipeline/text.js';
import { examine, jsonReply, type Arrival } from './examine.js';
import { forwardDelivery, type ForwardOptions } from './forward.js';
import { faultMessage } from './guard.js';
import type { History } from './history.js';
import type { ListenerOptions } from './listener.js';
import { answerOf, NOT_INSPECTED, settle, type Reply, type Respondent } from './received.js';

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

export type { Arrival };

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
  const { record, seen, reply, refused } = examine(options, arrival, bytes, arrived);
  const { deliveryId } = record;
  const json = (code: number, body: Record<string, unknown>) => jsonReply(reply, deliveryId, code, body);
  // Katana's events carry no id; its retries resend the same bytes, so the body stands in for one.
  const decision = seen.problem
    ? { status: undefined }
    : host.decide(seen.eventId ?? `sha256:${createHash('sha256').update(bytes).digest('hex')}`);
  if (refused) {
    // Answered already: 400, 401 or 422.
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
  await conclude(host, record, reply, to, started);
}

/** A delivery's texts made where it was examined, for a record already settled as answered. */
export interface MadeTexts {
  deliveryId: string;
  json: string;
  log: string;
  /** No body cut to a preview in the history: the log line is what it keeps. */
  whole: boolean;
}

/**
 * Logs a delivery and answers it, in that order. `made`: the record was settled (as answered with
 * `reply`) and serialised elsewhere (a worker thread); its texts are used as they are unless the
 * answer changes here (the sender hung up, or the log is down).
 */
export async function conclude(
  host: DeliveryHost,
  record: DeliveryRecord,
  reply: Reply,
  to: Respondent,
  started: number,
  made?: MadeTexts,
): Promise<void> {
  const { options } = host;
  // Read from `made` when there: the record may be parsed from its line only when something needs it.
  const deliveryId = made?.deliveryId ?? record.deliveryId;
  // A log already known to be broken: the record says 503 from the start, everywhere it is shown.
  // Not for the in-process receiver of send: its sender's run only warns about the log.
  const durable = !options.echo;
  const broken = durable ? host.stream.failure() : undefined;
  const refuse = (reason: string) => {
    host.unlogged++;
    jsonReply(reply, deliveryId, 503, { error: `not stored: ${reason}` });
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
  const event = eventOf(host, record);
  let answer = made && !broken ? answerOf(to, reply) : answerNow();
  const asMade = made && !broken && answer !== 'gone';
  if (made && !broken && answer === 'gone') answer = answerNow();
  if (asMade) madeTexts(event, made.json, made.log);
  if (asMade && made.whole) host.history.addLine(deliveryId, made.log);
  else host.history.add(record);
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
