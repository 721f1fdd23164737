import { createHash } from 'node:crypto';
import { EventEmitter } from 'node:events';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import { bodyBytes, recordBody, type DeliveryRecord } from '../core/delivery.js';
import { createFlakyPolicy, seededRandom, type FlakyOptions } from '../core/flaky.js';
import { normalizeHeaders } from '../core/headers.js';
import { unixSeconds } from '../core/providers/types.js';
import type { Registry } from '../core/registry.js';
import { logRecord } from '../core/delivery-json.js';
import { inspectDelivery, receivedRecord } from '../core/inspect.js';
import { createDispatcher } from '../io/http.js';
import { newDeliveryId, type Runtime } from '../io/runtime.js';
import { feedSink } from '../pipeline/sinks/feed.js';
import { DeliveryStream } from '../pipeline/stream.js';
import { Feed } from './feed.js';
import { forwardDelivery } from './forward.js';
import { replyJson } from './reply.js';
import { CONTROL_PREFIX, handleControl, type ControlHost } from './inspector.js';
import { schemaVerdict } from '../schema/verdict.js';

import { DEFAULT_HOST, DEFAULT_MAX_BODY_BYTES, DEFAULT_PORT } from './defaults.js';

export { DEFAULT_HOST, DEFAULT_MAX_BODY_BYTES, DEFAULT_PORT };
const HEADERS_TIMEOUT_MS = 10_000;
const REQUEST_TIMEOUT_MS = 30_000;
const CLOSE_GRACE_MS = 500;
const TIMEOUT_CHECK_INTERVAL_MS = 1_000;
const FORWARD_TIMEOUT_MS = 30_000;
const HISTORY_SIZE = 500;

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
  readonly history = new Map<string, DeliveryRecord>();
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
      (req, res) => this.handle(req, res),
    );
    this.feed = new Feed({
      token: options.token,
      hello: () => ({
        type: 'hello',
        deliveries: [...this.history.values()].map(logRecord),
        forwardTo: options.forwardTo ?? null,
      }),
    });
    this.server.on('upgrade', (req, socket, head) => this.feed.upgrade(req, socket, head));
    this.stream = (options.stream ?? new DeliveryStream()).subscribe(feedSink(this.feed));
    // Malformed requests and clients too slow with their headers: answer if possible, then hang up.
    this.server.on('clientError', (error: NodeJS.ErrnoException, socket) => {
      const timedOut = error.code === 'ERR_HTTP_REQUEST_TIMEOUT';
      if (!socket.writable) return socket.destroy();
      socket.end(
        `HTTP/1.1 ${timedOut ? '408 Request Timeout' : '400 Bad Request'}\r\nConnection: close\r\n\r\n`,
        () => socket.destroy(),
      );
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
    const record = await forwardDelivery(original, this.options.forwardTo, this.forwardOptions());
    // Sent either way; the log sink has warned if its record could not be written.
    await this.stream.emit({ type: 'delivery', record, role: 'resent' }).catch(() => undefined);
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

  private handle(req: IncomingMessage, res: ServerResponse): void {
    const raw = req.url ?? '/';
    if (raw.startsWith(CONTROL_PREFIX)) {
      const url = new URL(raw, 'http://listener.invalid');
      handleControl(this, req, res, url).catch(() =>
        replyJson(res, 500, { ok: false, error: 'inspector error' }),
      );
      return;
    }
    // The URL is parsed only when a path is set, to keep it off the hot path.
    if (this.options.path && new URL(raw, 'http://listener.invalid').pathname !== this.options.path) {
      return replyJson(res, 404, { ok: false, error: `deliveries go to ${this.options.path}` });
    }
    if (req.method === 'GET' || req.method === 'HEAD') {
      return replyJson(res, 200, { ok: true, listening: true, message: 'POST webhooks here' });
    }
    if (req.method !== 'POST') {
      res.setHeader('allow', 'POST');
      return replyJson(res, 405, { ok: false, error: 'only POST is taken' });
    }
    const arrived = this.options.runtime.now();
    const started = this.options.runtime.monotonicMs();
    const tooLarge = () => {
      res.setHeader('connection', 'close');
      replyJson(res, 413, { ok: false, error: `the body is over ${this.options.maxBodyBytes} bytes` });
    };
    if (Number(req.headers['content-length']) > this.options.maxBodyBytes) {
      return tooLarge();
    }
    const chunks: Buffer[] = [];
    let size = 0;
    let refused = false;
    req.on('data', (chunk: Buffer) => {
      if (refused) return;
      size += chunk.length;
      if (size > this.options.maxBodyBytes) {
        refused = true;
        chunks.length = 0;
        tooLarge();
        return;
      }
      chunks.push(chunk);
    });
    req.on('error', () => {
      // A client that goes away mid-body: nothing to answer, nothing to log.
    });
    req.on('end', () => {
      if (refused) return;
      this.complete(req, res, Buffer.concat(chunks), arrived, started).catch((error: Error) =>
        replyJson(res, 500, { ok: false, error: `listener error: ${error.message}` }),
      );
    });
  }

  private async complete(
    req: IncomingMessage,
    res: ServerResponse,
    bytes: Buffer,
    arrived: Date,
    started: number,
  ) {
    const headers = normalizeHeaders(req.headers);
    const seen = inspectDelivery(
      headers,
      bytes,
      this.options.secret,
      unixSeconds(arrived),
      this.options.registry,
    );
    const deliveryId = newDeliveryId(this.options.runtime);
    const request = { method: req.method ?? 'POST', url: req.url ?? '/', headers, bytes };
    const record = receivedRecord(deliveryId, arrived, request, seen);
    if (!seen.problem) record.schema = schemaVerdict(record.provider, record.event, bytes);

    let status = 200;
    let answerHeaders: Record<string, string> = { 'content-type': 'application/json' };
    let answer: Buffer = Buffer.from(JSON.stringify({ ok: true, deliveryId }));
    const json = (code: number, body: Record<string, unknown>) => {
      status = code;
      answer = Buffer.from(JSON.stringify({ ok: code < 300, deliveryId, ...body }));
    };
    // Katana's events carry no id; its retries resend the same bytes, so the body stands in for one.
    const decision = seen.problem
      ? { status: undefined }
      : this.decide(seen.eventId ?? `sha256:${createHash('sha256').update(bytes).digest('hex')}`);
    if (seen.problem) json(400, { error: seen.problem });
    else if (this.options.strict && seen.signature.verdict !== 'valid') {
      json(401, { error: `signature ${seen.signature.verdict}: ${seen.signature.reason}` });
    } else if (this.options.strictSchema && record.schema?.verdict === 'invalid') {
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
    } else if (this.options.forwardTo) {
      const leg = await forwardDelivery(record, this.options.forwardTo, this.forwardOptions());
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

    const responseHeaders = { ...answerHeaders, 'content-length': String(answer.length) };
    record.response = { status, headers: responseHeaders, ...recordBody(answer) };
    record.status = status;
    record.ok = status >= 200 && status < 300;
    record.durationMs = Math.round((this.options.runtime.monotonicMs() - started) * 1000) / 1000;
    this.remember(record);
    // Answered only once the record is written: a sender that got its answer finds it in the log,
    // and one whose record could not be written gets 503 with the reason, and sends it again.
    try {
      await this.stream.emit({ type: 'delivery', record, ...(this.options.echo ? { role: 'echo' } : {}) });
    } catch (error) {
      if (!res.destroyed)
        replyJson(res, 503, { ok: false, deliveryId, error: `not stored: ${(error as Error).message}` });
      return;
    }
    if (!res.destroyed) res.writeHead(status, responseHeaders).end(answer);
    this.emit('record', record);
    this.emit('delivery', record);
  }

  private remember(record: DeliveryRecord): void {
    this.history.set(record.deliveryId, record);
    if (this.history.size > HISTORY_SIZE) this.history.delete(this.history.keys().next().value!);
  }
}

export function createListener(options: ListenerOptions): Listener {
  return new Listener(options);
}
