import { createHmac } from 'node:crypto';
import type { IncomingHttpHeaders } from 'node:http';

/**
 * Receivers written the way each vendor's documentation tells its users to verify, independent of
 * the tool's own schemes: if these accept what the tool sends, real receivers will too.
 */
const hex = (key: string | Buffer, data: string | Buffer) =>
  createHmac('sha256', key).update(data).digest('hex');
const header = (h: IncomingHttpHeaders, name: string) => {
  const v = h[name];
  return Array.isArray(v) ? v[0] : v;
};
const parts = (value: string) =>
  Object.fromEntries(value.split(',').map((p) => p.split('=', 2) as [string, string]));

export const vendorVerifiers: Record<
  string,
  (headers: IncomingHttpHeaders, raw: Buffer, secret: string) => boolean
> = {
  // MES overview: HMAC of JSON.stringify(req.body), i.e. of the re-serialized parsed body.
  mes: (h, raw, secret) =>
    hex(secret, JSON.stringify(JSON.parse(raw.toString('utf8')))) === header(h, 'x-mes-signature'),
  // Katana: HMAC-SHA256 of the raw body in x-sha2-signature.
  katana: (h, raw, secret) => hex(secret, raw) === header(h, 'x-sha2-signature'),
  // Tracktile: t=<unix>,v1=<hex of "<t>.<raw body>">.
  tracktile: (h, raw, secret) => {
    const { t, v1 } = parts(header(h, 'x-tracktile-signature') ?? '');
    return t !== undefined && hex(secret, `${t}.${raw.toString('utf8')}`) === v1;
  },
  // Betterez: t=<unix>,s2=<hex of "<t>.<body>">, with the body as JSON.stringify of the parsed JSON.
  betterez: (h, raw, secret) => {
    const { t, s2 } = parts(header(h, 'x-btrz-signature') ?? '');
    return t !== undefined && hex(secret, `${t}.${JSON.stringify(JSON.parse(raw.toString('utf8')))}`) === s2;
  },
  // Standard Webhooks: base64 HMAC of "<id>.<timestamp>.<body>" with the base64-decoded whsec_ key.
  standard: (h, raw, secret) => {
    const key = Buffer.from(secret.replace(/^whsec_/, ''), 'base64');
    const expected = createHmac('sha256', key)
      .update(`${header(h, 'webhook-id')}.${header(h, 'webhook-timestamp')}.${raw.toString('utf8')}`)
      .digest('base64');
    return (header(h, 'webhook-signature') ?? '').split(' ').some((s) => s === `v1,${expected}`);
  },
};
