import { randomBytes } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { refusal } from '../core/guards.js';
import { inspectorPage } from './inspector-page.js';
import type { DeliveryRecord } from '../core/delivery.js';
import { logRecord } from '../core/delivery-json.js';
import { replyJson } from './reply.js';

/** What the inspector needs of the listener it runs in. */
export interface ControlHost {
  readonly options: { token: string; ui?: boolean; forwardTo?: string };
  readonly origin: string;
  readonly history: { values(): DeliveryRecord[] };
  resend(deliveryId: string): Promise<DeliveryRecord | undefined>;
}

export const CONTROL_PREFIX = '/__mes-webhooks/';
export const TOKEN_HEADER = 'x-mes-webhooks-token';
const RESEND = /^\/__mes-webhooks\/api\/deliveries\/([A-Za-z0-9_-]{1,64})\/resend$/;

const send = (res: ServerResponse, status: number, body: unknown) =>
  replyJson(res, status, body, { 'cache-control': 'no-store' });

/** The inspector page and its small API; each answers only local Hosts, local Origins and the run's token. */
export async function handleControl(
  listener: ControlHost,
  req: IncomingMessage,
  res: ServerResponse,
  url: URL,
): Promise<void> {
  const token = url.pathname.startsWith('/__mes-webhooks/api/')
    ? ((req.headers[TOKEN_HEADER] as string | undefined) ?? null)
    : url.searchParams.get('token');
  const why = refusal({ host: req.headers.host, origin: req.headers.origin }, token, listener.options.token);
  if (why) return send(res, 403, { ok: false, error: why });

  if (url.pathname === '/__mes-webhooks/ui' && req.method === 'GET' && listener.options.ui) {
    const nonce = randomBytes(16).toString('base64');
    const html = inspectorPage(nonce);
    res
      .writeHead(200, {
        'content-type': 'text/html; charset=utf-8',
        'content-length': String(Buffer.byteLength(html)),
        'cache-control': 'no-store',
        'referrer-policy': 'no-referrer',
        'x-frame-options': 'DENY',
        'content-security-policy': `default-src 'none'; script-src 'nonce-${nonce}'; style-src 'nonce-${nonce}'; connect-src 'self' ${listener.origin.replace(/^http/, 'ws')}; img-src data:; base-uri 'none'; form-action 'none'; frame-ancestors 'none'`,
      })
      .end(html);
    return;
  }
  if (url.pathname === '/__mes-webhooks/api/deliveries' && req.method === 'GET') {
    return send(res, 200, {
      deliveries: [...listener.history.values()].map(logRecord),
      forwardTo: listener.options.forwardTo ?? null,
    });
  }
  const resend = RESEND.exec(url.pathname);
  if (resend && req.method === 'POST') {
    if (!listener.options.forwardTo) {
      return send(res, 409, {
        ok: false,
        error: 'no forward target: start the listener with --forward-to URL',
      });
    }
    let record;
    try {
      record = await listener.resend(resend[1]!);
    } catch (error) {
      return send(res, 409, { ok: false, error: `cannot send it again: ${(error as Error).message}` });
    }
    if (!record) return send(res, 404, { ok: false, error: 'no such delivery in this run' });
    return send(res, 200, {
      ok: record.ok,
      status: record.status,
      deliveryId: record.deliveryId,
      error: record.error?.message,
    });
  }
  send(res, 404, { ok: false, error: 'not found' });
}
