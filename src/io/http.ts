import { Pool } from 'undici';
import { normalizeHeaders } from '../core/headers.js';
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

  constructor(private readonly connections: number) {}

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

  async close(): Promise<void> {
    await Promise.all([...this.pools.values()].map((p) => p.close()));
    this.pools.clear();
  }
}

export function createDispatcher(connections: number): HttpClient {
  return new HttpClient(connections);
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

/** POSTs exact bytes; never throws: a refused connection or timeout comes back as `error`. */
export async function postBytes(
  url: string,
  headers: Record<string, string>,
  body: string | Uint8Array,
  options: { timeoutMs: number; dispatcher: HttpClient; runtime?: Pick<Runtime, 'monotonicMs'> },
): Promise<PostResult> {
  const clock = options.runtime ?? systemRuntime;
  const start = clock.monotonicMs();
  const elapsedMs = () => clock.monotonicMs() - start;
  try {
    // undici's own timeouts bound the wait for the answer's headers and between its body chunks;
    // a timer per request (AbortSignal.timeout) costs more than the request on loopback.
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
    return {
      status: response.statusCode,
      headers: normalizeHeaders(response.headers),
      body: answer,
      durationMs: elapsedMs(),
    };
  } catch (error) {
    return {
      status: null,
      headers: {},
      body: Buffer.alloc(0),
      durationMs: elapsedMs(),
      error: describeFailure(url, error, options.timeoutMs),
    };
  }
}
