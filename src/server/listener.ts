import { createHash } from 'node:crypto';
import { EventEmitter } from 'node:events';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import { bodyBytes, type DeliveryRecord } from '../core/delivery.js';
import { readBody } from './body.js';
import { createFlakyPolicy, type FlakyOptions } from '../core/flaky.js';
import { normalizeHeaders } from '../core/headers.js';
import { unixSeconds } from '../core/providers/index.js';
import { createDispatcher } from '../io/http.js';
import type { Runtime } from '../io/runtime.js';
import { Feed } from './feed.js';
import { forwardDelivery } from './forward.js';
import { faultMessage, guarded } from './guard.js';
import { History, isTruncated } from './history.js';
import { inspectDelivery } from './inspect.js';
import { receivedRecord, settle } from './received.js';
import { replyJson } from './reply.js';
import { CONTROL_PREFIX, handleControl } from './inspector.js';
import { targetPath } from './target.js';

export const DEFAULT_PORT = 4000;
export const DEFAULT_HOST = '127.0.0.1';
export const DEFAULT_MAX_BODY_BYTES = 1024 * 1024;
const HEADERS_TIMEOUT_MS = 10_000;
const REQUEST_TIMEOUT_MS = 30_000;
const CLOSE_GRACE_MS = 500;
const TIMEOUT_CHECK_INTERVAL_MS = 1_000;
const FORWARD_TIMEOUT_MS = 30_000;

export interface ListenerOptions {
  host: string;
  port: number;
  /** Only this path takes deliveries; any path when unset. */
  path?: string;
  secret: string;
  /** Answer 401 to deliveries whose signature is not valid. */
  strict: boolean;
  maxBodyBytes: number;
  runtime: Runtime;
  /** Pass every delivery on to this URL with its exact bytes and headers. */
  forwardTo?: string;
  forwardTimeoutMs?: number;
  flaky?: FlakyOptions;
  /** Wait this long before answering. */
  delayMs?: number;
  headersTimeoutMs?: number;
  requestTimeoutMs?: number;
  /** The per-run token of the feed and inspector. */
  token: string;
  /** Serve the web inspector. */
  ui?: boolean;
  /**
   * Hands a record to the log and resolves once it is written. Every answer waits for it, so
   * no delivery is acknowledged before it is on disk; when it rejects the sender gets 503.
   */
  persist?: (record: DeliveryRecord) => Promise<void>;
}

export interface ListenerEvents {
  /** A delivery received and answered. */
  delivery: [DeliveryRecord];
  /** Every record to log: deliveries, their forward legs and replays from the inspector. */
  record: [DeliveryRecord];
}

export class Listener extends EventEmitter<ListenerEvents> {
  readonly server: Server;
  readonly feed: Feed;
  readonly history = new History();
  private readonly decide: ReturnType<typeof createFlakyPolicy>;
  private readonly dispatcher = createDispatcher(16);
  url = '';

  constructor(readonly options: ListenerOptions) {
    super();
    this.decide = createFlakyPolicy(options.flaky ?? {});
    this.server = createServer(
      {
        headersTimeout: options.headersTimeoutMs ?? HEADERS_TIMEOUT_MS,
        requestTimeout: options.requestTimeoutMs ?? REQUEST_TIMEOUT_MS,
        // How often Node looks for requests over those timeouts (its default is 30 s).
        connectionsCheckingInterval: TIMEOUT_CHECK_INTERVAL_MS,
      },
      guarded(
        (req, res) => this.handle(req, res),
        (req, res, error) => this.fault(req, res, error),
      ),
    );
    this.feed = new Feed({
      token: options.token,
      hello: () => ({ fields: { forwardTo: options.forwardTo ?? null }, deliveries: this.history.texts() }),
    });
    this.server.on('upgrade', (req, socket, head) => this.feed.upgrade(req, socket, head));
    // Malformed requests and clients too slow with their headers: answer if possible, then hang up.
    this.server.on('clientError', (error: NodeJS.ErrnoException, socket) => {
      const timedOut = error.code === 'ERR_HTTP_REQUEST_TIMEOUT';
      const answer = () => {
        if (!socket.writable) return socket.destroy();
        socket.end(
          `HTTP/1.1 ${timedOut ? '408 Request Timeout' : '400 Bad Request'}\r\nConnection: close\r\n\r\n`,
          () => socket.destroy(),
        );
      };
      // A request pipelined ahead of the malformed one gets its own answer first, as logged.
      const inFlight = (socket as { _httpMessage?: ServerResponse })._httpMessage;
      if (inFlight && inFlight.req.complete && !inFlight.writableFinished && !inFlight.destroyed) {
        inFlight.once('close', answer);
      } else answer();
    });
  }

  get origin(): string {
    return new URL(this.url).origin;
  }

  async start(): Promise<string> {
    await new Promise<void>((resolve, reject) => {
      this.server.once('error', reject);
      this.server.listen(this.options.port, this.options.host, () => {
        this.server.off('error', reject);
        resolve();
      });
    });
    const { port } = this.server.address() as AddressInfo;
    const host = this.options.host.includes(':') ? `[${this.options.host}]` : this.options.host;
    this.url = `http://${host}:${port}${this.options.path ?? '/'}`;
    return this.url;
  }

  feedUrl(): string {
    return `${this.origin.replace(/^http/, 'ws')}/__mes-webhooks/feed?token=${this.options.token}`;
  }

  inspectorUrl(): string {
    return `${this.origin}/__mes-webhooks/ui?token=${this.options.token}`;
  }

  async close(): Promise<void> {
    this.feed.close();
    await new Promise<void>((resolve) => {
      this.server.close(() => resolve());
      this.server.closeIdleConnections();
      // Clients holding a connection open must not keep the process alive.
      setTimeout(() => this.server.closeAllConnections(), CLOSE_GRACE_MS).unref();
    });
    await this.dispatcher.close();
  }

  /** Sends a delivery received earlier to the forward target again, exact bytes and headers. */
  async resend(deliveryId: string): Promise<DeliveryRecord | undefined> {
    const original = this.history.get(deliveryId);
    if (!original || !this.options.forwardTo) return undefined;
    if (isTruncated(original)) {
      throw new RangeError(
        'its body is too large to keep in memory; send it again with `mes-webhooks replay`',
      );
    }
    const record = await forwardDelivery(original, this.options.forwardTo, this.forwardOptions());
    this.emit('record', record);
    await this.persist(record).catch(() => undefined);
    this.feed.broadcast({ type: 'resent', delivery: record });
    return record;
  }

  /** Writes a record to the log; an error means it could not be. */
  private persist(record: DeliveryRecord): Promise<void> {
    return this.options.persist ? this.options.persist(record) : Promise.resolve();
  }

  /** The last resort: something threw while handling a request. Answer 500 and keep a record. */
  private async fault(req: IncomingMessage, res: ServerResponse, error: unknown): Promise<void> {
    const record = receivedRecord(
      req,
      Buffer.alloc(0),
      undefined,
      this.options.runtime,
      this.options.runtime.now(),
    );
    record.error = { code: 'LISTENER_FAULT', message: faultMessage(error) };
    const body = {
      ok: false,
      deliveryId: record.deliveryId,
      error: 'the listener could not handle this request',
    };
    const text = Buffer.from(JSON.stringify(body));
    const answered = !res.headersSent && !res.destroyed;
    settle(
      record,
      answered ? { status: 500, headers: { 'content-type': 'application/json' }, body: text } : 'gone',
      process.hrtime.bigint(),
    );
    record.error = { code: 'LISTENER_FAULT', message: faultMessage(error) };
    await this.persist(record).catch(() => undefined);
    if (answered) replyJson(res, 500, body);
    else res.destroy();
    this.announce(record);
  }

  private forwardOptions() {
    return {
      runtime: this.options.runtime,
      timeoutMs: this.options.forwardTimeoutMs ?? FORWARD_TIMEOUT_MS,
      dispatcher: this.dispatcher,
    };
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const raw = req.url ?? '/';
    if (raw.startsWith(CONTROL_PREFIX)) {
      return handleControl(this, req, res, new URL(raw, 'http://listener.invalid'));
    }
    if (this.options.path && targetPath(raw) !== this.options.path) {
      return replyJson(res, 404, { ok: false, error: `deliveries go to ${this.options.path}` });
    }
    if (req.method === 'GET' || req.method === 'HEAD') {
      return replyJson(res, 200, { ok: true, listening: true, message: 'POST webhooks here' });
    }
    // A body framed by anything but chunked cannot be delimited (RFC 9112 6.3): refuse it, close.
    const framing = req.headers['transfer-encoding'];
    if (framing !== undefined && framing.trim().toLowerCase() !== 'chunked') {
      res.setHeader('connection', 'close');
      return replyJson(res, 400, {
        ok: false,
        error: `cannot read a body sent with transfer-encoding ${framing}`,
      });
    }
    if (req.method !== 'POST') {
      res.setHeader('allow', 'POST');
      return replyJson(res, 405, { ok: false, error: 'only POST is taken' });
    }
    const arrived = this.options.runtime.now();
    const started = process.hrtime.bigint();
    const bytes = await readBody(req, res, this.options.maxBodyBytes);
    if (bytes) await this.complete(req, res, bytes, arrived, started);
  }

  private async complete(
    req: IncomingMessage,
    res: ServerResponse,
    bytes: Buffer,
    arrived: Date,
    started: bigint,
  ) {
    const headers = normalizeHeaders(req.headers);
    const seen = inspectDelivery(headers, bytes, this.options.secret, unixSeconds(arrived));
    const record = receivedRecord(req, bytes, seen, this.options.runtime, arrived);
    const { deliveryId } = record;

    let status = 200;
    let answerHeaders: Record<string, string> = { 'content-type': 'application/json' };
    let answer: Buffer = Buffer.from(JSON.stringify({ ok: true, deliveryId }));
    const json = (code: number, body: Record<string, unknown>) => {
      status = code;
      answerHeaders = { 'content-type': 'application/json' };
      answer = Buffer.from(JSON.stringify({ ok: code < 300, deliveryId, ...body }));
    };
    const legs: Promise<unknown>[] = [];
    // Katana's events carry no id; its retries resend the same bytes, so the body stands in for one.
    const decision = seen.problem
      ? { status: undefined }
      : this.decide(seen.eventId ?? `sha256:${createHash('sha256').update(bytes).digest('hex')}`);
    if (seen.problem) json(400, { error: seen.problem });
    else if (this.options.strict && seen.signature.verdict !== 'valid') {
      json(401, { error: `signature ${seen.signature.verdict}: ${seen.signature.reason}` });
    } else if (decision.status !== undefined) {
      record.simulated = decision.simulated;
      json(
        decision.status,
        decision.status >= 300 ? { error: `simulated by mes-webhooks (${decision.simulated})` } : {},
      );
    } else if (this.options.forwardTo) {
      const leg = await forwardDelivery(record, this.options.forwardTo, this.forwardOptions());
      record.forward = {
        deliveryId: leg.deliveryId,
        url: leg.request.url,
        status: leg.status,
        durationMs: leg.durationMs,
        ...(leg.error ? { error: leg.error.message } : {}),
      };
      this.emit('record', leg);
      legs.push(this.persist(leg).catch(() => undefined));
      if (leg.response) {
        status = leg.response.status;
        answer = bodyBytes(leg.response);
        answerHeaders = leg.response.headers['content-type']
          ? { 'content-type': leg.response.headers['content-type'] }
          : {};
      } else {
        json(502, { error: `the app at ${this.options.forwardTo} did not answer: ${leg.error?.message}` });
      }
    }
    if (this.options.delayMs) await sleep(this.options.delayMs);

    // Acknowledge after logging: the record of what goes out is written first.
    const gone = () => res.destroyed || res.socket === null || !res.socket.writable;
    const outgoing = () => ({
      status,
      headers: { ...answerHeaders, 'content-length': String(answer.length) },
      body: answer,
    });
    settle(record, gone() ? 'gone' : outgoing(), started);
    try {
      await Promise.all([this.persist(record), ...legs]);
    } catch (error) {
      json(503, {
        error: `not acknowledged: the delivery log cannot be written (${(error as Error).message})`,
      });
      settle(record, gone() ? 'gone' : outgoing(), started);
      record.error = { code: 'LOG_UNWRITABLE', message: (error as Error).message };
    }
    if (record.status !== null && !gone()) res.writeHead(status, record.response!.headers).end(answer);
    else res.destroy();
    this.emit('record', record);
    this.emit('delivery', record);
    this.announce(record);
  }

  /** Keeps a record for the inspector and sends it to the feed. */
  private announce(record: DeliveryRecord): void {
    const text = this.history.add(record);
    this.feed.broadcastText(`{"type":"delivery","delivery":${text}}`);
  }
}

export function createListener(options: ListenerOptions): Listener {
  return new Listener(options);
}
