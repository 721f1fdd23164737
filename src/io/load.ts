import type { AutocannonOptions } from 'autocannon';
import type { PostResult } from './http.js';

/** One request of a load run: what to send, built just before it is written. */
export interface LoadRequest {
  /** Path and query on the run's origin. */
  path: string;
  headers: Record<string, string>;
  body: string | Buffer;
}

export interface LoadOptions<T extends LoadRequest> {
  /** Every request goes to this origin, e.g. http://127.0.0.1:3000. */
  origin: string;
  total: number;
  connections: number;
  /** At least 1000: autocannon takes no shorter timeout. */
  timeoutMs: number;
  /** Builds the next request (a fresh event, ids and signature each time). */
  next: () => T;
  /** Aborting stops the run early; requests in flight then settle as failed. */
  signal?: AbortSignal;
  /** Called exactly once per request with what became of it. */
  settle: (request: T, result: PostResult) => void;
}

type Engine = typeof import('autocannon').default;
let engine: Promise<Engine> | undefined;

/** Loads the load engine ahead of a run, so its start-up stays out of the measured time. */
export function loadEngine(): Promise<Engine> {
  engine ??= import('autocannon').then((m) => m.default);
  return engine;
}

const REQUEST_LIST_LENGTH = 256;
const elapsedMs = (start: bigint) => Number(process.hrtime.bigint() - start) / 1e6;

interface InFlight<T> {
  request: T;
  started: bigint;
}

/**
 * Sends `total` requests over `connections` keep-alive connections with autocannon's client, which
 * writes each request as one pre-serialized buffer straight to its socket (markedly faster than a
 * general-purpose client on loopback). `next` runs per request, so nothing is replayed: each one is
 * built and signed afresh. Refused connections, resets and timeouts settle the request in flight as
 * failed; autocannon then reconnects and goes on, so the run always ends after `total` requests.
 */
export async function runLoad<T extends LoadRequest>(options: LoadOptions<T>): Promise<void> {
  const autocannon = await loadEngine();
  const pending = new Set<InFlight<T>>();
  const fail = (entry: unknown, code: NonNullable<PostResult['error']>['code'], message: string) => {
    const item = entry as InFlight<T> | undefined;
    if (!item || !pending.delete(item)) return;
    options.settle(item.request, {
      status: null,
      headers: {},
      body: Buffer.alloc(0),
      durationMs: elapsedMs(item.started),
      error: { code, message },
    });
  };
  const url = `${options.origin}/`;
  const abandon = (entry: unknown) => {
    const item = entry as InFlight<T> | undefined;
    if (!item || !pending.has(item)) return;
    if (elapsedMs(item.started) >= options.timeoutMs) {
      fail(item, 'TIMEOUT', `no answer from ${url} within ${options.timeoutMs} ms`);
    } else fail(item, 'NETWORK', `${url}: the connection closed before an answer`);
  };
  const spec: AutocannonOptions['requests'][number] = {
    method: 'POST',
    setupRequest: (request, context) => {
      const built = options.next();
      const item: InFlight<T> = { request: built, started: process.hrtime.bigint() };
      pending.add(item);
      context.item = item;
      // A copy: autocannon adds its content-length to the headers it is given.
      return { ...request, path: built.path, headers: { ...built.headers }, body: built.body };
    },
    onResponse: (status, body, context, headers) => {
      const item = context.item as InFlight<T>;
      if (!pending.delete(item)) return;
      const lowered: Record<string, string> = {};
      for (const name in headers) lowered[name.toLowerCase()] = headers[name]!;
      options.settle(item.request, {
        status,
        headers: lowered,
        body: Buffer.from(body),
        durationMs: elapsedMs(item.started),
      });
    },
  };
  await new Promise<void>((resolve, reject) => {
    const run = autocannon(
      {
        url: options.origin,
        connections: Math.min(options.connections, options.total),
        amount: options.total,
        timeout: options.timeoutMs / 1000,
        // The same request many times over: autocannon deep-copies its per-connection context each
        // time it comes back to the first request of the list, so a longer list does that rarely.
        requests: new Array<typeof spec>(REQUEST_LIST_LENGTH).fill(spec),
        setupClient: (client) => {
          const inFlight = () => client.requestIterator.context.item;
          // Emitted before autocannon reconnects: the request in flight is still the one lost.
          client.on('connError', (error: NodeJS.ErrnoException) => {
            if (error.code === 'ECONNREFUSED') {
              fail(inFlight(), 'ECONNREFUSED', `nothing is listening at ${url}`);
            } else
              fail(inFlight(), 'NETWORK', `${url}: ${error.message}${error.code ? ` (${error.code})` : ''}`);
          });
          // Emitted before the next request is built: one still unanswered was dropped by a timeout
          // or a closed connection.
          client.on('request', () => {
            if (client.reqsMade > 0) abandon(inFlight());
          });
        },
      },
      (error) => (error ? reject(error) : resolve()),
    );
    const stop = () => run.stop();
    if (options.signal?.aborted) stop();
    else options.signal?.addEventListener('abort', stop, { once: true });
  });
  // The last request of a connection that timed out or was closed has had no other chance to settle.
  for (const item of [...pending]) abandon(item);
}
