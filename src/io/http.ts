import { Pool } from 'undici';
import { normalizeHeaders } from '../core/headers.js';
import { Deadlines } from './deadlines.js';
import { systemRuntime, type Runtime } from './runtime.js';

export interface PostResult {
  status: number | null;
  headers: Record<string, string>;
  body: Buffer;
  durationMs: number;
  /** SENDER_STOPPED: the sender's own Ctrl-C cut the wait for the answer off. */
  error?: { code: 'ECONNREFUSED' | 'TIMEOUT' | 'NETWORK' | 'SENDER_STOPPED'; message: string };
}

/**
 * Keep-alive connection pools, one per origin. A Pool per origin is markedly faster than undici's
 * top-level request() through an Agent, which matters to `send --count` as a load generator.
 */
export class HttpClient {
  private readonly pools = new Map<string, Pool>();
  /** Requests given up at their deadline that undici still holds (until its own coarser timeout). */
  abandoned = 0;

  constructor(
    private readonly connections: number,
    /** When each request is given up: one timer for them all. */
    readonly deadlines = new Deadlines(),
  ) {}

  pool(origin: string): Pool {
    let pool = this.pools.get(origin);
    if (!pool) {
      pool = new Pool(origin, { connections: this.connections, pipelining: 1, keepAliveTimeout: 10_000 });
      this.pools.set(origin, pool);
    }
    return pool;
  }

  /** Ends every request in flight at once (each fails), and every connection. */
  async destroy(): Promise<void> {
    await Promise.all([...this.pools.values()].map((p) => p.destroy()));
    this.pools.clear();
  }

  /** Waits for requests in flight; those given up at their deadline are not waited for. */
  async close(): Promise<void> {
    if (this.abandoned > 0) return this.destroy();
    await Promise.all([...this.pools.values()].map((p) => p.close()));
    this.pools.clear();
  }
}

export function createDispatcher(connections: number, deadlines?: Deadlines): HttpClient {
  return new HttpClient(connections, deadlines);
}

function describeFailure(url: string, error: unknown, timeoutMs: number): NonNullable<PostResult['error']> {
  const err = error as { code?: string; cause?: { code?: string }; message?: string };
  const code = err.code ?? err.cause?.code;
  if (code === 'ECONNREFUSED') {
    return { code: 'ECONNREFUSED', message: `nothing is listening at ${url}` };
  }
  if (code === 'UND_ERR_HEADERS_TIMEOUT' || code === 'UND_ERR_BODY_TIMEOUT') {
    return { code: 'TIMEOUT', message: `no answer from ${url} within ${timeoutMs} ms` };
  }
  return { code: 'NETWORK', message: `${url}: ${err.message ?? String(error)}${code ? ` (${code})` : ''}` };
}

type PostOptions = { timeoutMs: number; dispatcher: HttpClient; runtime?: Pick<Runtime, 'monotonicMs'> };

/**
 * POSTs exact bytes; never throws: a refused connection or timeout comes back as `error`. The
 * answer (headers and body) is given up at `timeoutMs` on the dot: the request is left to undici's
 * own timeouts, which end it and its connection later, rather than aborted, which made undici open
 * another connection to a receiver that takes connections and never answers.
 */
export function postBytes(
  url: string,
  headers: Record<string, string>,
  body: string | Uint8Array,
  options: PostOptions,
): Promise<PostResult> {
  const clock = options.runtime ?? systemRuntime;
  const start = clock.monotonicMs();
  const { dispatcher, timeoutMs } = options;
  return new Promise((resolve) => {
    let late = false;
    const cancel = dispatcher.deadlines.add(timeoutMs, () => {
      late = true;
      dispatcher.abandoned++;
      resolve({
        status: null,
        headers: {},
        body: Buffer.alloc(0),
        durationMs: clock.monotonicMs() - start,
        error: { code: 'TIMEOUT', message: `no answer from ${url} within ${timeoutMs} ms` },
      });
    });
    void attempt(
      url,
      headers,
      body,
      options,
      () => clock.monotonicMs() - start,
      (result) => {
        if (late) dispatcher.abandoned--;
        else {
          cancel();
          resolve(result);
        }
      },
    );
  });
}

async function attempt(
  url: string,
  headers: Record<string, string>,
  body: string | Uint8Array,
  options: PostOptions,
  elapsedMs: () => number,
  done: (result: PostResult) => void,
): Promise<void> {
  try {
    // undici's own timeouts end a request given up at its deadline, with its connection.
    const target = new URL(url);
    const response = await options.dispatcher.pool(target.origin).request({
      path: `${target.pathname}${target.search}`,
      method: 'POST',
      headers,
      body,
      headersTimeout: options.timeoutMs,
      bodyTimeout: options.timeoutMs,
    });
    const answer = Buffer.from(await response.body.arrayBuffer());
    done({
      status: response.statusCode,
      headers: normalizeHeaders(response.headers),
      body: answer,
      durationMs: elapsedMs(),
    });
  } catch (error) {
    done({
      status: null,
      headers: {},
      body: Buffer.alloc(0),
      durationMs: elapsedMs(),
      error: describeFailure(url, error, options.timeoutMs),
    });
  }
}
