import { createHash } from 'node:crypto';
import { EventEmitter } from 'node:events';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { bodyBytes, type DeliveryRecord } from '../core/delivery.js';
import { createFlakyPolicy, seededRandom, type FlakyOptions } from '../core/flaky.js';
import { normalizeHeaders } from '../core/headers.js';
import { unixSeconds } from '../core/providers/types.js';
import type { Registry } from '../core/registry.js';
import { inspectDelivery, receivedRecord, type Inspection } from '../core/inspect.js';
import { createDispatcher } from '../io/http.js';
import { newDeliveryId, type Runtime } from '../io/runtime.js';
import { feedSink } from '../pipeline/sinks/feed.js';
import { DeliveryStream, type DeliveryEvent, type DeliveryRole } from '../pipeline/stream.js';
import { madeLogText } from '../pipeline/text.js';
import { readBody } from './body.js';
import { Feed } from './feed.js';
import { forwardDelivery } from './forward.js';
import { answerClientError, faultMessage, guarded } from './guard.js';
import { History, isTruncated } from './history.js';
import { answerOf, gone, JSON_TYPE, NOT_INSPECTED, settle, type Reply } from './received.js';
import { replyJson } from './reply.js';
import { CONTROL_PREFIX, handleControl, type ControlHost } from './inspector.js';
import { targetPath } from './target.js';
import { payloadVerdict, schemaVerdict, type SchemaVerdict } from '../schema/verdict.js';

import { DEFAULT_HOST, DEFAULT_MAX_BODY_BYTES, DEFAULT_PORT } from './defaults.js';

export { DEFAULT_HOST, DEFAULT_MAX_BODY_BYTES, DEFAULT_PORT };
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
  /** Answer 422, with the problems, to deliveries that do not match their event's schema. */
  strictSchema?: boolean;
  /** Check bodies against their event's schema (default on). */
  schemaCheck?: boolean;
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
  /** The stream its deliveries go on; a stream of its own when unset. */
  stream?: DeliveryStream;
  /** It receives what this same process sends (send and scenario with no target). */
  echo?: boolean;
  /** The providers and schemes to detect and verify; the built-ins when absent. */
  registry?: Registry;
}

export interface ListenerEvents {
  /** A delivery received and answered. */
  delivery: [DeliveryRecord];
  /** Every record to log: deliveries, their forward legs and replays from the inspector. */
  record: [DeliveryRecord];
}

export class Listener extends EventEmitter<ListenerEvents> implements ControlHost {
  readonly server: Server;
  readonly feed: Feed;
  readonly stream: DeliveryStream;
  readonly history = new History();
  /** Deliveries answered 503 because the log could not keep them. */
  unlogged = 0;
  private readonly decide: ReturnType<typeof createFlakyPolicy>;
  private readonly dispatcher = createDispatcher(16);
  url = '';

  constructor(readonly options: ListenerOptions) {
    super();
    this.decide = createFlakyPolicy(
      options.flaky ?? {},
      seededRandom(options.flaky?.seed ?? options.runtime.now().getTime()),
    );
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
    this.stream = (options.stream ?? new DeliveryStream()).subscribe(feedSink(this.feed, this.history));
    this.server.on('clientError', answerClientError);
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
    // Sent either way; the log sink has warned if its record could not be written.
    await this.stream.emit({ type: 'delivery', record, role: 'resent' });
    this.emit('record', record);
    return record;
  }

  private forwardOptions() {
    return {
      runtime: this.options.runtime,
      timeoutMs: this.options.forwardTimeoutMs ?? FORWARD_TIMEOUT_MS,
      dispatcher: this.dispatcher,
    };
  }

  private get role(): DeliveryRole | undefined {
    return this.options.echo ? 'echo' : undefined;
  }

  /** The last resort: something threw while handling a request. Answer 500 and keep a record. */
  private async fault(req: IncomingMessage, res: ServerResponse, error: unknown): Promise<void> {
    const deliveryId = newDeliveryId(this.options.runtime);
    const request = {
      method: req.method ?? 'POST',
      url: req.url ?? '/',
      headers: normalizeHeaders(req.headers),
      bytes: Buffer.alloc(0),
    };
    const record = receivedRecord(deliveryId, this.options.runtime.now(), request, NOT_INSPECTED);
    const body = Buffer.from(
      JSON.stringify({ ok: false, deliveryId, error: 'the listener could not handle this request' }),
    );
    const answered = !res.headersSent && !res.destroyed;
    const headers = { 'content-type': 'application/json', 'content-length': String(body.length) };
    settle(record, answered ? { status: 500, headers, body } : 'gone', 0);
    record.error = { code: 'LISTENER_FAULT', message: faultMessage(error) };
    this.history.add(record);
    await this.stream.emit({ type: 'delivery', record, ...(this.role ? { role: this.role } : {}) });
    if (answered && !res.headersSent && !res.destroyed) res.writeHead(500, headers).end(body);
    else res.destroy();
    this.emit('record', record);
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const raw = req.url ?? '/';
    if (raw.startsWith(CONTROL_PREFIX)) {
      return handleControl(this, req, res, new URL(raw, 'http://listener.invalid'));
    }
    // Read without `new URL()`, which throws on targets such as `//[`.
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
    const started = this.options.runtime.monotonicMs();
    const bytes = await readBody(req, res, this.options.maxBodyBytes);
    if (bytes) await this.complete(req, res, bytes, arrived, started);
  }

  private async complete(
    req: IncomingMessage,
    res: ServerResponse,
    bytes: Buffer,
    arrived: Date,
    started: number,
  ) {
    const { options } = this;
    const headers = normalizeHeaders(req.headers);
    const seen = inspectDelivery(headers, bytes, options.secret, unixSeconds(arrived), options.registry);
    const deliveryId = newDeliveryId(options.runtime);
    const request = { method: req.method ?? 'POST', url: req.url ?? '/', headers, bytes };
    const record = receivedRecord(deliveryId, arrived, request, seen);
    if (!seen.problem && options.schemaCheck !== false) record.schema = this.verdictOf(record, seen, bytes);

    // The answer as a string: written with its head in one write to the socket.
    const reply: Reply = { status: 200, type: JSON_TYPE, body: JSON.stringify({ ok: true, deliveryId }) };
    const json = (code: number, body: Record<string, unknown>) => {
      reply.status = code;
      reply.type = JSON_TYPE;
      reply.body = JSON.stringify({ ok: code < 300, deliveryId, ...body });
    };
    // Katana's events carry no id; its retries resend the same bytes, so the body stands in for one.
    const decision = seen.problem
      ? { status: undefined }
      : this.decide(seen.eventId ?? `sha256:${createHash('sha256').update(bytes).digest('hex')}`);
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
      const leg = await forwardDelivery(record, options.forwardTo, this.forwardOptions());
      record.forward = {
        deliveryId: leg.deliveryId,
        url: leg.request.url,
        status: leg.status,
        durationMs: leg.durationMs,
        ...(leg.error ? { error: leg.error } : {}),
      };
      // A leg that could not be written: the delivery's own record decides the answer.
      await this.stream.emit({ type: 'delivery', record: leg, role: 'leg' }).catch(() => undefined);
      this.emit('record', leg);
      if (leg.response) {
        reply.status = leg.response.status;
        reply.body = bodyBytes(leg.response);
        reply.type = leg.response.headers['content-type'];
      } else {
        json(502, { error: `the app at ${options.forwardTo} did not answer: ${leg.error?.message}` });
      }
    }
    if (options.delayMs) await options.runtime.sleep(options.delayMs);

    // A log already known to be broken: the record says 503 from the start, everywhere it is shown.
    // Not for the in-process receiver of send: its sender's run only warns about the log.
    const durable = !options.echo;
    const broken = durable ? this.stream.failure() : undefined;
    if (broken) this.refuse(record, json, broken);
    // Acknowledge after logging: the record of what goes out is written before it goes out.
    settle(record, answerOf(res, reply), options.runtime.monotonicMs() - started);
    this.history.add(record);
    const event: DeliveryEvent = this.role
      ? { type: 'delivery', record, role: this.role }
      : { type: 'delivery', record };
    const outcome = await this.stream.emit(event);
    if (durable && outcome.unwritten && !broken) {
      // The write failed just now: the sinks saw the planned answer, the sender gets 503.
      this.refuse(record, json, outcome.unwritten);
      settle(record, answerOf(res, reply), options.runtime.monotonicMs() - started);
      this.history.add(record);
    } else {
      const line = madeLogText(event);
      if (line !== undefined) this.history.seal(deliveryId, line);
    }
    if (record.status !== null && !gone(res))
      res.writeHead(reply.status, record.response!.headers).end(reply.body);
    else res.destroy();
    this.emit('record', record);
    this.emit('delivery', record);
  }

  /** The schema verdict, from the body inspection already parsed. */
  private verdictOf(record: DeliveryRecord, seen: Inspection, bytes: Buffer): SchemaVerdict {
    const own = seen.provider?.schemas;
    return record.provider !== null && record.event !== null
      ? payloadVerdict(record.provider, record.event, seen.payload, own)
      : schemaVerdict(record.provider, record.event, bytes, own);
  }

  /** A delivery the log could not keep: not acknowledged. */
  private refuse(
    record: DeliveryRecord,
    json: (code: number, body: Record<string, unknown>) => void,
    reason: string,
  ): void {
    this.unlogged++;
    json(503, { error: `not stored: ${reason}` });
    record.error = { code: 'LOG_UNWRITABLE', message: reason };
  }
}

export function createListener(options: ListenerOptions): Listener {
  return new Listener(options);
}
