import { EventEmitter } from 'node:events';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { recordBody, type DeliveryRecord, type Verdict } from '../core/delivery.js';
import { normalizeHeaders } from '../core/headers.js';
import { detectProvider, findProvider, unixSeconds, type Provider } from '../core/providers/index.js';
import { SCHEMES, detectScheme, verify, type Scheme } from '../core/schemes/index.js';
import { newDeliveryId, type Runtime } from '../io/runtime.js';

export const DEFAULT_PORT = 4000;
export const DEFAULT_HOST = '127.0.0.1';
export const DEFAULT_MAX_BODY_BYTES = 1024 * 1024;
const HEADERS_TIMEOUT_MS = 10_000;
const REQUEST_TIMEOUT_MS = 30_000;
const CLOSE_GRACE_MS = 500;

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
}

export interface ListenerEvents {
  delivery: [DeliveryRecord];
}

interface Inspection {
  provider: Provider | undefined;
  scheme: Scheme | undefined;
  event: string | null;
  eventId: string | null;
  signature: { verdict: Verdict; reason: string };
  /** Why the body cannot be taken, answered with 400. */
  problem?: string;
}

const utf8 = new TextDecoder('utf-8', { fatal: true });

/** Works out what a delivery is: provider, event, and whether its signature holds. */
export function inspectDelivery(
  headers: Record<string, string>,
  bytes: Buffer,
  secret: string,
  nowSec: number,
): Inspection {
  let payload: unknown;
  let problem: string | undefined;
  if (bytes.length === 0) problem = 'the body is empty';
  else {
    try {
      payload = JSON.parse(utf8.decode(bytes));
    } catch (error) {
      problem = error instanceof SyntaxError ? 'the body is not valid JSON' : 'the body is not valid UTF-8';
    }
  }
  const scheme = detectScheme(headers);
  const provider = detectProvider(payload) ?? (scheme ? findProvider(scheme.id) : undefined);
  const record = payload as Record<string, unknown>;
  const eventId =
    (provider && payload ? provider.eventId(record) : undefined) ?? headers['webhook-id'] ?? null;
  let signature: Inspection['signature'];
  if (scheme) {
    const result = verify(scheme.id, { secret, body: bytes, headers, now: nowSec });
    signature = { verdict: result.verdict, reason: result.reason };
  } else if (provider) {
    signature = { verdict: 'missing', reason: `no ${SCHEMES[provider.scheme].headers[0]} header` };
  } else {
    signature = { verdict: 'unchecked', reason: 'no signature header, and the body is no known envelope' };
  }
  return {
    provider,
    scheme,
    event: (provider && payload ? provider.eventType(record) : undefined) ?? null,
    eventId,
    signature,
    problem,
  };
}

export class Listener extends EventEmitter<ListenerEvents> {
  readonly server: Server;
  private readonly options: ListenerOptions;
  url = '';

  constructor(options: ListenerOptions) {
    super();
    this.options = options;
    this.server = createServer((req, res) => this.handle(req, res));
    this.server.headersTimeout = HEADERS_TIMEOUT_MS;
    this.server.requestTimeout = REQUEST_TIMEOUT_MS;
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

  async close(): Promise<void> {
    await new Promise<void>((resolve) => {
      this.server.close(() => resolve());
      this.server.closeIdleConnections();
      // Clients holding a connection open must not keep the process alive.
      setTimeout(() => this.server.closeAllConnections(), CLOSE_GRACE_MS).unref();
    });
  }

  private handle(req: IncomingMessage, res: ServerResponse): void {
    const url = new URL(req.url ?? '/', 'http://listener.invalid');
    if (this.options.path && url.pathname !== this.options.path) {
      return reply(res, 404, { ok: false, error: `deliveries go to ${this.options.path}` });
    }
    if (req.method === 'GET' || req.method === 'HEAD') {
      return reply(res, 200, { ok: true, listening: true, message: 'POST webhooks here' });
    }
    if (req.method !== 'POST') {
      res.setHeader('allow', 'POST');
      return reply(res, 405, { ok: false, error: 'only POST is taken' });
    }
    const arrived = this.options.runtime.now();
    const started = process.hrtime.bigint();
    const declared = Number(req.headers['content-length']);
    if (declared > this.options.maxBodyBytes) {
      res.setHeader('connection', 'close');
      return reply(res, 413, { ok: false, error: `the body is over ${this.options.maxBodyBytes} bytes` });
    }
    const chunks: Buffer[] = [];
    let size = 0;
    let tooLarge = false;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > this.options.maxBodyBytes) {
        tooLarge = true;
        req.pause();
        res.setHeader('connection', 'close');
        reply(res, 413, { ok: false, error: `the body is over ${this.options.maxBodyBytes} bytes` });
        req.destroy();
        return;
      }
      chunks.push(chunk);
    });
    req.on('error', () => {
      // A client that goes away mid-body: nothing to answer, nothing to log.
    });
    req.on('end', () => {
      if (tooLarge) return;
      this.complete(req, res, Buffer.concat(chunks), arrived, started);
    });
  }

  private complete(req: IncomingMessage, res: ServerResponse, bytes: Buffer, arrived: Date, started: bigint) {
    const headers = normalizeHeaders(req.headers);
    const seen = inspectDelivery(headers, bytes, this.options.secret, unixSeconds(arrived));
    const deliveryId = newDeliveryId(this.options.runtime);
    let status = 200;
    let answer: Record<string, unknown> = { ok: true, deliveryId };
    if (seen.problem) {
      status = 400;
      answer = { ok: false, deliveryId, error: seen.problem };
    } else if (this.options.strict && seen.signature.verdict !== 'valid') {
      status = 401;
      answer = {
        ok: false,
        deliveryId,
        error: `signature ${seen.signature.verdict}: ${seen.signature.reason}`,
      };
    }
    const responseBody = Buffer.from(JSON.stringify(answer));
    const responseHeaders = {
      'content-type': 'application/json',
      'content-length': String(responseBody.length),
    };
    res.writeHead(status, responseHeaders).end(responseBody);
    const record: DeliveryRecord = {
      v: 1,
      deliveryId,
      direction: 'received',
      at: arrived.toISOString(),
      provider: seen.provider?.id ?? null,
      event: seen.event,
      eventId: seen.eventId,
      scheme: seen.scheme?.id ?? null,
      attempt: 1,
      groupId: deliveryId,
      request: { method: req.method ?? 'POST', url: req.url ?? '/', headers, ...recordBody(bytes) },
      response: { status, headers: responseHeaders, ...recordBody(responseBody) },
      status,
      ok: status < 300,
      durationMs: Number(process.hrtime.bigint() - started) / 1e6,
      signature: seen.signature,
      ...(seen.problem ? { error: { code: 'BAD_BODY', message: seen.problem } } : {}),
    };
    this.emit('delivery', record);
  }
}

function reply(res: ServerResponse, status: number, body: Record<string, unknown>): void {
  if (res.headersSent) return;
  const text = JSON.stringify(body);
  res
    .writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text) })
    .end(text);
}

export function createListener(options: ListenerOptions): Listener {
  return new Listener(options);
}
