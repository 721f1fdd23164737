import { Agent, request, type Dispatcher } from 'undici';
import { normalizeHeaders } from '../core/headers.js';

export interface PostResult {
  status: number | null;
  headers: Record<string, string>;
  body: Buffer;
  durationMs: number;
  error?: { code: 'ECONNREFUSED' | 'TIMEOUT' | 'NETWORK'; message: string };
}

export function createDispatcher(connections: number): Dispatcher {
  return new Agent({ connections, pipelining: 1, keepAliveTimeout: 10_000 });
}

const elapsedMs = (start: bigint) => Number(process.hrtime.bigint() - start) / 1e6;

function describeFailure(url: string, error: unknown, timeoutMs: number): NonNullable<PostResult['error']> {
  const err = error as { code?: string; cause?: { code?: string }; name?: string; message?: string };
  const code = err.code ?? err.cause?.code;
  if (code === 'ECONNREFUSED') {
    return { code: 'ECONNREFUSED', message: `nothing is listening at ${url}` };
  }
  if (
    err.name === 'TimeoutError' ||
    err.name === 'AbortError' ||
    code === 'UND_ERR_HEADERS_TIMEOUT' ||
    code === 'UND_ERR_BODY_TIMEOUT'
  ) {
    return { code: 'TIMEOUT', message: `no answer from ${url} within ${timeoutMs} ms` };
  }
  return { code: 'NETWORK', message: `${url}: ${err.message ?? String(error)}${code ? ` (${code})` : ''}` };
}

/** POSTs exact bytes; never throws: a refused connection or timeout comes back as `error`. */
export async function postBytes(
  url: string,
  headers: Record<string, string>,
  body: string | Uint8Array,
  options: { timeoutMs: number; dispatcher?: Dispatcher },
): Promise<PostResult> {
  const start = process.hrtime.bigint();
  const signal = AbortSignal.timeout(options.timeoutMs);
  try {
    const response = await request(url, {
      method: 'POST',
      headers,
      body,
      signal,
      dispatcher: options.dispatcher,
      headersTimeout: options.timeoutMs,
      bodyTimeout: options.timeoutMs,
    });
    const chunks: Buffer[] = [];
    for await (const chunk of response.body) chunks.push(chunk as Buffer);
    return {
      status: response.statusCode,
      headers: normalizeHeaders(response.headers),
      body: Buffer.concat(chunks),
      durationMs: elapsedMs(start),
    };
  } catch (error) {
    return {
      status: null,
      headers: {},
      body: Buffer.alloc(0),
      durationMs: elapsedMs(start),
      error: describeFailure(
        url,
        signal.aborted ? Object.assign(new Error('timeout'), { name: 'TimeoutError' }) : error,
        options.timeoutMs,
      ),
    };
  }
}
