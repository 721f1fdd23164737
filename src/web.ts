import { detectProvider, findProvider, unixSeconds, type Payload } from './core/providers/index.js';
import { verify, isSchemeId, type SchemeId } from './core/schemes/index.js';

const DEFAULT_MAX_BODY_BYTES = 1024 * 1024;

export interface WebVerifyOptions {
  /** Which platform sends to this endpoint: picks the signing scheme (MES when neither is given). */
  provider?: string;
  /** Or name the scheme directly (e.g. `standard`). */
  scheme?: SchemeId;
  secret: string;
  /** Seconds; null turns the timestamp check off. Defaults to the scheme's. */
  toleranceSec?: number | null;
  /** Bodies over this many bytes are refused with 413 (default 1 MiB). */
  maxBodyBytes?: number;
  /** Injected clock: unix seconds, or a Date/ms clock such as the testing kit's fake clock. */
  now?: () => number | Date;
}

export type WebVerifyResult =
  | {
      ok: true;
      provider: string | null;
      event: string | null;
      eventId: string | null;
      payload: Payload;
      /** The exact bytes that were signed. */
      rawBody: Uint8Array;
    }
  | { ok: false; status: 400 | 401 | 405 | 413 | 500; reason: string };

type Refusal = Extract<WebVerifyResult, { ok: false }>;
const messageOf = (error: unknown) => (error instanceof Error ? error.message : String(error));
const refuse = (status: Refusal['status'], reason: string): Refusal => ({ ok: false, status, reason });

function schemeFor(options: WebVerifyOptions): SchemeId | Refusal {
  if (options.scheme) {
    return isSchemeId(options.scheme) ? options.scheme : refuse(500, `unknown scheme "${options.scheme}"`);
  }
  const provider = findProvider(options.provider ?? 'mes');
  return provider ? provider.scheme : refuse(500, `unknown provider "${options.provider}"`);
}

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
    const scheme = schemeFor(options);
    if (typeof scheme === 'object') return scheme;
    if (request.method !== 'POST') return refuse(405, `webhooks are POSTed, not sent with ${request.method}`);
    let raw: Uint8Array | Refusal;
    try {
      raw = await readBody(request, options.maxBodyBytes ?? DEFAULT_MAX_BODY_BYTES);
    } catch (error) {
      // A broken stream or a body that errors mid-read: the request is bad, not the server.
      return refuse(400, `the request could not be read: ${messageOf(error)}`);
    }
    if (!(raw instanceof Uint8Array)) return raw;
    const headers = Object.fromEntries(request.headers);
    const result = verify(scheme, {
      secret: options.secret,
      body: raw,
      headers,
      now: nowSeconds(options),
      ...(options.toleranceSec === undefined ? {} : { toleranceSec: options.toleranceSec }),
    });
    if (!result.ok) return refuse(401, `invalid signature: ${result.reason}`);
    let payload: unknown;
    try {
      payload = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(raw));
    } catch {
      return refuse(400, 'the body is not valid JSON');
    }
    if (!payload || typeof payload !== 'object' || Array.isArray(payload))
      return refuse(400, 'the body is not a JSON object');
    const provider =
      detectProvider(payload as Payload) ?? (options.provider ? findProvider(options.provider) : undefined);
    return {
      ok: true,
      provider: provider?.id ?? null,
      event: provider?.eventType(payload as Payload) ?? null,
      eventId: provider?.eventId(payload as Payload) ?? headers['webhook-id'] ?? null,
      payload: payload as Payload,
      rawBody: raw,
    };
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
