import { EventEmitter } from 'node:events';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import type { DeliveryRecord } from '../core/delivery.js';
import { createFlakyPolicy, seededRandom, type FlakyOptions } from '../core/flaky.js';
import { normalizeHeaders } from '../core/headers.js';
import type { Registry } from '../core/registry.js';
import { createDispatcher } from '../io/http.js';
import type { Runtime } from '../io/runtime.js';
import { feedSink } from '../pipeline/sinks/feed.js';
import { DeliveryStream, type DeliveryRole } from '../pipeline/stream.js';
import { readBody } from './body.js';
import { Feed } from './feed.js';
import { deliver, deliverFault, type DeliveryHost } from './deliver.js';
import { FastPath } from './fast-path.js';
import { forwardDelivery, type ForwardOptions } from './forward.js';
import { answerClientError, guarded } from './guard.js';
import { History, isTruncated } from './history.js';
import { responseRespondent, type Respondent } from './received.js';
import type { RequestHead } from './request-head.js';
import { replyJson } from './reply.js';
import { CONTROL_PREFIX, handleControl, type ControlHost } from './inspector.js';
import { targetPath } from './target.js';

import { DEFAULT_HOST, DEFAULT_MAX_BODY_BYTES, DEFAULT_PORT } from './defaults.js';

export { DEFAULT_HOST, DEFAULT_MAX_BODY_BYTES, DEFAULT_PORT };
const HEADERS_TIMEOUT_MS = 10_000;
const REQUEST_TIMEOUT_MS = 30_000;
const CLOSE_GRACE_MS = 500;
const STOP_WAIT_MS = 5_000;
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

export class Listener extends EventEmitter<ListenerEvents> implements ControlHost, DeliveryHost {
  readonly server: Server;
  readonly feed: Feed;
  readonly stream: DeliveryStream;
  readonly history = new History();
  /** Deliveries answered 503 because the log could not keep them. */
  unlogged = 0;
  private readonly stop = new AbortController();
  /** Aborted when close() begins: an answer cut off from then on is the listener's doing. */
  readonly stopping: AbortSignal = this.stop.signal;
  /** Deliveries being taken: close() waits for their records. */
  private readonly inFlight = new Set<Promise<void>>();
  readonly decide: ReturnType<typeof createFlakyPolicy>;
  private readonly dispatcher = createDispatcher(16);
  private readonly fast: FastPath;
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
        (req, res, error) => {
          const arrival = {
            method: req.method ?? 'POST',
            url: req.url ?? '/',
            headers: normalizeHeaders(req.headers),
          };
          return deliverFault(this, arrival, responseRespondent(res), error);
        },
      ),
    );
    // Connections meet the fast path first; node:http gets those it does not take.
    const nodeConnection = this.server.listeners('connection')[0] as (socket: Socket) => void;
    this.server.removeListener('connection', nodeConnection);
    this.fast = new FastPath(
      {
        maxBodyBytes: options.maxBodyBytes,
        headersTimeoutMs: options.headersTimeoutMs ?? HEADERS_TIMEOUT_MS,
        takes: (url) => this.takesPath(url),
        take: (head, body, to) => this.takeFast(head, body, to),
      },
      (socket) => nodeConnection.call(this.server, socket),
    );
    this.server.on('connection', (socket: Socket) => this.fast.accept(socket));
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
    // Waits end now: what was waiting is answered while its connection is still open.
    this.stop.abort();
    this.feed.close();
    await new Promise<void>((resolve) => {
      this.server.close(() => resolve());
      this.server.closeIdleConnections();
      this.fast.closeIdle();
      // Clients holding a connection open must not keep the process alive.
      setTimeout(() => {
        this.server.closeAllConnections();
        this.fast.closeAll();
      }, CLOSE_GRACE_MS).unref();
    });
    // Each delivery still being taken is logged (answered, or cut off) before the log closes; a
    // forward still waiting on its app gets a few seconds, so Ctrl-C never hangs on it.
    await Promise.race([
      Promise.allSettled(this.inFlight),
      new Promise((later) => setTimeout(later, STOP_WAIT_MS).unref()),
    ]);
    await this.dispatcher.close();
  }

  /** Keeps a delivery being taken in view until it is done. */
  private taking(delivery: Promise<void>): Promise<void> {
    this.inFlight.add(delivery);
    return delivery.finally(() => this.inFlight.delete(delivery));
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

  forwardOptions(): ForwardOptions {
    return {
      runtime: this.options.runtime,
      timeoutMs: this.options.forwardTimeoutMs ?? FORWARD_TIMEOUT_MS,
      dispatcher: this.dispatcher,
    };
  }

  get role(): DeliveryRole | undefined {
    return this.options.echo ? 'echo' : undefined;
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
    if (!bytes) return;
    const arrival = { method: req.method ?? 'POST', url: raw, headers: normalizeHeaders(req.headers) };
    await this.taking(deliver(this, arrival, bytes, responseRespondent(res), arrived, started));
  }

  /** A delivery the fast path read whole. */
  private takeFast(head: RequestHead, body: Buffer, to: Respondent): void {
    const arrived = this.options.runtime.now();
    const started = this.options.runtime.monotonicMs();
    const arrival = { method: 'POST', url: head.url, headers: head.headers };
    void this.taking(
      deliver(this, arrival, body, to, arrived, started)
        .catch((error: unknown) => deliverFault(this, arrival, to, error))
        .catch(() => to.drop()),
    );
  }

  /** Deliveries and requests the listener takes; the path is read without `new URL()`. */
  private takesPath(raw: string): boolean {
    return !raw.startsWith(CONTROL_PREFIX) && (!this.options.path || targetPath(raw) === this.options.path);
  }

  recorded(record: DeliveryRecord, delivered: boolean): void {
    this.emit('record', record);
    if (delivered) this.emit('delivery', record);
  }
}

export function createListener(options: ListenerOptions): Listener {
  return new Listener(options);
}
