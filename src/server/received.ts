import type { ServerResponse } from 'node:http';
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

export const JSON_TYPE = 'application/json';

/** What the listener will answer: a string body goes out with its head in one write. */
export interface Reply {
  status: number;
  /** No content-type when a forwarded app's answer had none. */
  type: string | undefined;
  body: string | Buffer;
}

/** Where a delivery's answer goes: a node:http response, or a connection of the fast path. */
export interface Respondent {
  /** No one is there to get an answer (the sender hung up, or an answer went out already). */
  gone(): boolean;
  /** Sends the answer with exactly these headers. */
  send(status: number, headers: Record<string, string>, body: string | Buffer): void;
  /** Hangs up without an answer. */
  drop(): void;
}

/**
 * No one is there to take this response. A response queued behind another on a pipelined
 * connection has no socket of its own yet: its request's socket is the connection it will go out on.
 */
export const gone = (res: ServerResponse) => {
  const socket = res.socket ?? res.req.socket;
  return res.destroyed || socket === null || socket.destroyed || !socket.writable;
};

/** A node:http response as a respondent. */
export function responseRespondent(res: ServerResponse): Respondent {
  return {
    gone: () => res.headersSent || gone(res),
    send: (status, headers, body) => void res.writeHead(status, headers).end(body),
    drop: () => void res.destroy(),
  };
}

/** The answer a delivery is about to get, with its exact headers, or 'gone' when no one is there to get it. */
export function answerOf(to: Respondent, reply: Reply): Answer {
  if (to.gone()) return 'gone';
  // 204 and 304 end at their head (RFC 9110 15.3.5, 15.4.5): no body, and no length for one.
  if (reply.status === 204 || reply.status === 304)
    return {
      status: reply.status,
      headers: reply.type === undefined ? {} : { 'content-type': reply.type },
      body: '',
    };
  const length = String(typeof reply.body === 'string' ? Buffer.byteLength(reply.body) : reply.body.length);
  const headers: Record<string, string> =
    reply.type === undefined
      ? { 'content-length': length }
      : { 'content-type': reply.type, 'content-length': length };
  return { status: reply.status, headers, body: reply.body };
}
