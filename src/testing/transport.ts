import {
  createServer,
  Server,
  type IncomingMessage,
  type RequestListener,
  type ServerResponse,
} from 'node:http';
import type { AddressInfo } from 'node:net';
import { createDispatcher, postBytes } from '../io/http.js';

/** `(request) => Response`: a Next.js route handler, a Worker, Bun's or Deno's serve handler. */
export type FetchHandler = (request: Request) => Response | Promise<Response>;

/**
 * A receiver to deliver to: a URL, or an app in this process that needs no port from you. An inline
 * fetch handler is typed for you; an inline node listener needs its parameters annotated.
 */
export type Target =
  | string
  | URL
  /** A node:http request listener or an Express app. */
  | ((req: IncomingMessage, res: ServerResponse) => unknown)
  | FetchHandler
  /** An object with a `fetch` method: a Hono app, a Worker's default export. */
  | { fetch(request: Request): Response | Promise<Response> }
  /** A node:http server (listening or not), or a Fastify app: anything with `server` and `ready()`. */
  | Server
  | { server: Server; ready(): PromiseLike<unknown> };

export interface Exchange {
  /** Request path for in-process targets (`/` when absent); resolved against a URL target when given. */
  path?: string;
  headers: Record<string, string>;
  body: string | Uint8Array;
}

export interface Answer {
  status: number | null;
  headers: Record<string, string>;
  body: Buffer;
  durationMs: number;
  /** The URL the request went to (for in-process fetch handlers, a made-up http://localhost one). */
  url: string;
  error?: string;
  /** The delivery log's code for the error: ECONNREFUSED, TIMEOUT, NETWORK, HANDLER. */
  errorCode?: string;
}

export interface Transport {
  send(exchange: Exchange): Promise<Answer>;
  close(): Promise<void>;
}

export interface TransportOptions {
  /** Milliseconds, for answer times; defaults to a monotonic real clock. */
  clock?: () => number;
  timeoutMs?: number;
}

const DEFAULT_TIMEOUT_MS = 30_000;
const realClock = () => performance.now();

const isServer = (value: unknown): value is Server => value instanceof Server;
const hasFetch = (value: unknown): value is { fetch: FetchHandler } =>
  typeof value === 'object' && value !== null && typeof (value as { fetch?: unknown }).fetch === 'function';
const isFastifyLike = (value: unknown): value is { server: Server; ready(): PromiseLike<unknown> } =>
  typeof value === 'object' &&
  value !== null &&
  isServer((value as { server?: unknown }).server) &&
  typeof (value as { ready?: unknown }).ready === 'function';

/**
 * A node:http listener takes (req, res); Express apps are functions with `listen`. A function of one
 * argument is taken for a fetch handler; wrap an ambiguous one as `{ fetch: fn }`.
 */
const isNodeListener = (value: unknown): value is RequestListener =>
  typeof value === 'function' && (value.length >= 2 || 'listen' in value);

function joinUrl(base: string, path: string | undefined): string {
  return path === undefined ? base : new URL(path, base).toString();
}

/** Posts over real HTTP with undici, as `send` and `verify` do. */
function httpTransport(base: string, options: TransportOptions, release?: () => Promise<void>): Transport {
  const clock = options.clock ?? realClock;
  const dispatcher = createDispatcher(4);
  return {
    async send(exchange) {
      const url = joinUrl(base, exchange.path);
      const started = clock();
      const result = await postBytes(url, exchange.headers, exchange.body, {
        timeoutMs: options.timeoutMs ?? DEFAULT_TIMEOUT_MS,
        dispatcher,
      });
      return {
        status: result.status,
        headers: result.headers,
        body: result.body,
        durationMs: clock() - started,
        url,
        ...(result.error ? { error: result.error.message, errorCode: result.error.code } : {}),
      };
    },
    async close() {
      await dispatcher.close();
      await release?.();
    },
  };
}

async function listenEphemeral(server: Server): Promise<string> {
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      server.off('error', reject);
      resolve();
    });
  });
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

function closeServer(server: Server): Promise<void> {
  return new Promise((resolve) => {
    server.close(() => resolve());
    server.closeAllConnections();
  });
}

/** A node server: used where it listens, else started on an ephemeral loopback port and closed after. */
async function serverTransport(server: Server, options: TransportOptions): Promise<Transport> {
  const address = server.address();
  if (address && typeof address === 'object') {
    const host = address.family === 'IPv6' ? `[${address.address}]` : address.address;
    const loopback = host === '0.0.0.0' || host === '[::]' ? '127.0.0.1' : host;
    return httpTransport(`http://${loopback}:${address.port}`, options);
  }
  const base = await listenEphemeral(server);
  return httpTransport(base, options, () => closeServer(server));
}

/** Calls the handler directly with a `Request`: no socket, no port. */
function fetchTransport(handler: FetchHandler, options: TransportOptions): Transport {
  const clock = options.clock ?? realClock;
  const timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  return {
    async send(exchange) {
      const url = new URL(exchange.path ?? '/', 'http://localhost').toString();
      const body = typeof exchange.body === 'string' ? Buffer.from(exchange.body) : exchange.body;
      const started = clock();
      let timer: NodeJS.Timeout | undefined;
      const timedOut = new Promise<'timeout'>((resolve) => {
        timer = setTimeout(() => resolve('timeout'), timeoutMs);
      });
      try {
        const request = new Request(url, {
          method: 'POST',
          // Servers in front of fetch handlers pass the length on; some receivers refuse big bodies by it.
          headers: { ...exchange.headers, 'content-length': String(body.byteLength) },
          body,
        });
        const response = await Promise.race([Promise.resolve().then(() => handler(request)), timedOut]);
        if (response === 'timeout')
          return failure(url, clock() - started, `no answer within ${timeoutMs} ms`, 'TIMEOUT');
        if (!(response instanceof Response))
          return failure(url, clock() - started, 'the handler did not return a Response', 'HANDLER');
        const answer = Buffer.from(await response.arrayBuffer());
        return {
          status: response.status,
          headers: Object.fromEntries(response.headers),
          body: answer,
          durationMs: clock() - started,
          url,
        };
      } catch (error) {
        // What a platform does with a handler that throws: answer 500.
        const message = error instanceof Error ? error.message : String(error);
        return {
          status: 500,
          headers: {},
          body: Buffer.from(`the handler threw: ${message}`),
          durationMs: clock() - started,
          url,
          error: `the handler threw: ${message}`,
          errorCode: 'HANDLER',
        };
      } finally {
        clearTimeout(timer);
      }
    },
    async close() {},
  };
}

function failure(url: string, durationMs: number, error: string, errorCode: string): Answer {
  return { status: null, headers: {}, body: Buffer.alloc(0), durationMs, url, error, errorCode };
}

/** The one place a target becomes a way to send: every kit function goes through here. */
export async function openTarget(target: Target, options: TransportOptions = {}): Promise<Transport> {
  if (typeof target === 'string' || target instanceof URL) {
    const url = new URL(target.toString());
    if (url.protocol !== 'http:' && url.protocol !== 'https:')
      throw new TypeError(`the target URL must be http or https, not ${url.protocol}`);
    return httpTransport(url.toString(), options);
  }
  if (hasFetch(target)) return fetchTransport((request) => target.fetch(request), options);
  if (isServer(target)) return serverTransport(target, options);
  if (isFastifyLike(target)) {
    await target.ready();
    return serverTransport(target.server, options);
  }
  if (isNodeListener(target)) return serverTransport(createServer(target), options);
  if (typeof target === 'function') return fetchTransport(target as FetchHandler, options);
  throw new TypeError(
    'the target must be a URL, a node:http listener or Express app, a fetch handler, or an object with fetch()',
  );
}
