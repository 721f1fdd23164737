import type { IncomingMessage, ServerResponse } from 'node:http';
import { unixSeconds } from './core/providers/index.js';
import { replyJson } from './server/reply.js';
import { schemeFor, verifyBytes, type SignatureOptions, type Verified } from './verified.js';

const DEFAULT_MAX_BODY_BYTES = 1024 * 1024;

export interface WebhookOptions extends SignatureOptions {
  maxBodyBytes?: number;
  /** Injected clock, unix seconds. */
  now?: () => number;
  /** Told of a request that failed outside the verdict (it is answered 500); never rethrown into the app. */
  onError?: (error: unknown, req: IncomingMessage) => void;
}

export type VerifiedWebhook = Verified<Buffer>;

type Rejection = { status: number; error: string };

async function readRaw(
  req: IncomingMessage & { body?: unknown },
  limit: number,
): Promise<Buffer | Rejection> {
  // express.raw() has already read the bytes; express.json() has thrown them away.
  if (Buffer.isBuffer(req.body)) return req.body;
  if (req.body !== undefined && typeof req.body === 'object' && req.readableEnded) {
    return {
      status: 500,
      error:
        'the body was parsed before verification: mount this with express.raw({ type: "application/json" })',
    };
  }
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > limit) return { status: 413, error: `the body is over ${limit} bytes` };
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks);
}

/** Verifies one request's raw body and signature; resolves to the webhook, or to why it is refused. */
export async function verifyRequest(
  req: IncomingMessage,
  options: WebhookOptions,
): Promise<{ ok: true; webhook: VerifiedWebhook } | ({ ok: false } & Rejection)> {
  schemeFor(options);
  const raw = await readRaw(req, options.maxBodyBytes ?? DEFAULT_MAX_BODY_BYTES);
  if (!Buffer.isBuffer(raw)) return { ok: false, ...raw };
  const verdict = verifyBytes(raw, req.headers, {
    ...options,
    nowSec: options.now?.() ?? unixSeconds(new Date()),
  });
  return verdict.ok ? verdict : { ok: false, status: verdict.status, error: verdict.reason };
}

/**
 * Wraps a node:http handler: the request's raw body is verified first, and a bad signature is
 * answered 401 here, so `handler` only ever sees verified webhooks.
 */
export function webhookHandler(
  options: WebhookOptions,
  handler: (webhook: VerifiedWebhook, req: IncomingMessage, res: ServerResponse) => unknown,
): (req: IncomingMessage, res: ServerResponse) => Promise<void> {
  schemeFor(options);
  return async (req, res) => {
    // Never rejects: `http.createServer` ignores the promise, so a rejection would end the app.
    try {
      const result = await verifyRequest(req, options);
      if (!result.ok) return replyJson(res, result.status, { error: result.error });
      await handler(result.webhook, req, res);
    } catch (error) {
      settleFault(req, res, error, options);
    }
  };
}

/** A request that failed outside the verdict: a client gone mid-body, or the app's handler threw. */
function settleFault(
  req: IncomingMessage,
  res: ServerResponse,
  error: unknown,
  options: WebhookOptions,
): void {
  try {
    if (req.destroyed && !req.complete) return void res.destroy();
    if (res.headersSent) return void res.destroy();
    replyJson(res, 500, { error: 'the webhook could not be handled' });
    if (options.onError) options.onError(error, req);
    else console.error('mes-webhooks: a webhook request failed and was answered 500:', error);
  } catch {
    res.destroy();
  }
}

/**
 * Express middleware: mount it on the webhook route, before any JSON parser (or after
 * `express.raw({ type: 'application/json' })`). The verified webhook is on `req.webhook`.
 */
export function expressWebhook(options: WebhookOptions) {
  schemeFor(options);
  return (
    req: IncomingMessage & { webhook?: VerifiedWebhook },
    res: ServerResponse,
    next: (error?: unknown) => void,
  ) => {
    verifyRequest(req, options)
      .then(
        (result) => {
          if (!result.ok) return replyJson(res, result.status, { error: result.error });
          req.webhook = result.webhook;
          next();
        },
        (error: unknown) => {
          // A client gone mid-body has no one to answer; anything else goes to Express's error handling.
          if (req.destroyed && !req.complete) res.destroy();
          else next(error);
        },
      )
      .catch((error: unknown) => settleFault(req, res, error, options));
  };
}
