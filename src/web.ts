import { unixSeconds } from './core/providers/index.js';
import { schemeFor, verifyBytes, type SignatureOptions, type Verified } from './verified.js';

const DEFAULT_MAX_BODY_BYTES = 1024 * 1024;

export interface WebVerifyOptions extends SignatureOptions {
  /** Bodies over this many bytes are refused with 413 (default 1 MiB). */
  maxBodyBytes?: number;
  /** Injected clock: unix seconds, or a Date/ms clock such as the testing kit's fake clock. */
  now?: () => number | Date;
}

export type WebVerifyResult =
  ({ ok: true } & Verified<Uint8Array>) | { ok: false; status: 400 | 401 | 405 | 413 | 500; reason: string };

type Refusal = Extract<WebVerifyResult, { ok: false }>;
const messageOf = (error: unknown) => (error instanceof Error ? error.message : String(error));
const refuse = (status: Refusal['status'], reason: string): Refusal => ({ ok: false, status, reason });

function nowSeconds(options: WebVerifyOptions): number {
  const value = options.now?.() ?? new Date();
  if (value instanceof Date) return unixSeconds(value);
  // A clock in ms (Date.now-like) or in seconds: unix seconds stay under 1e11 until the year 5138.
  return value > 1e11 ? Math.floor(value / 1000) : Math.floor(value);
}

/** Reads the body once, stopping as soon as it passes the limit. */
async function readBody(request: Request, limit: number): Promise<Uint8Array | Refusal> {
  const declared = Number(request.headers.get('content-length'));
  if (Number.isFinite(declared) && declared > limit) return refuse(413, `the body is over ${limit} bytes`);
  if (request.bodyUsed) return refuse(500, 'the body was read before verification: verify the request first');
  if (!request.body) return new Uint8Array(0);
  const reader = request.body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > limit) {
      await reader.cancel().catch(() => {});
      return refuse(413, `the body is over ${limit} bytes`);
    }
    chunks.push(value);
  }
  const body = new Uint8Array(size);
  let offset = 0;
  for (const chunk of chunks) {
    body.set(chunk, offset);
    offset += chunk.byteLength;
  }
  return body;
}

/**
 * Verifies a web-standard `Request` (Next.js route handlers, Hono, Remix, SvelteKit, Bun, Deno,
 * Workers): reads the raw body once and checks its signature. Never throws; a refusal carries the
 * HTTP status to answer with.
 */
export async function verifyWebhook(request: Request, options: WebVerifyOptions): Promise<WebVerifyResult> {
  try {
    try {
      schemeFor(options);
    } catch (error) {
      return refuse(500, messageOf(error));
    }
    if (request.method !== 'POST') return refuse(405, `webhooks are POSTed, not sent with ${request.method}`);
    let raw: Uint8Array | Refusal;
    try {
      raw = await readBody(request, options.maxBodyBytes ?? DEFAULT_MAX_BODY_BYTES);
    } catch (error) {
      // A broken stream or a body that errors mid-read: the request is bad, not the server.
      return refuse(400, `the request could not be read: ${messageOf(error)}`);
    }
    if (!(raw instanceof Uint8Array)) return raw;
    const verdict = verifyBytes(raw, Object.fromEntries(request.headers), {
      ...options,
      nowSec: nowSeconds(options),
    });
    return verdict.ok ? { ok: true, ...verdict.webhook } : refuse(verdict.status, verdict.reason);
  } catch (error) {
    // Only the options can get here (a secret the scheme cannot use): the server's mistake.
    return refuse(500, `cannot verify: ${messageOf(error)}`);
  }
}

export type VerifiedWebWebhook = Extract<WebVerifyResult, { ok: true }>;

/**
 * Wraps a fetch handler so it only ever sees verified webhooks: refusals are answered here with
 * their status (401 bad signature, 400 bad body, 413 too large) and a JSON `{ error }`.
 */
export function withWebhook(
  options: WebVerifyOptions,
  handler: (webhook: VerifiedWebWebhook, request: Request) => Response | Promise<Response>,
): (request: Request) => Promise<Response> {
  return async (request) => {
    const result = await verifyWebhook(request, options);
    if (!result.ok) return Response.json({ error: result.reason }, { status: result.status });
    return handler(result, request);
  };
}
