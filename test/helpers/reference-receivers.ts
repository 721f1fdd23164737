import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { detectProvider, findProvider } from '../../src/core/providers/index.js';
import { verify, type SchemeId } from '../../src/core/schemes/index.js';

export type Flaw =
  | 'none'
  | 'accepts-any-signature'
  | 're-serializes'
  | 'rejects-duplicates'
  | 'too-slow'
  | 'crashes-on-big-bodies';

const LIMIT_BYTES = 1024 * 1024;

/**
 * A webhook receiver written the way a vendor's docs describe, correct unless given one flaw.
 * `verify` must pass the correct one and fail each flawed one on exactly the check it breaks.
 */
export async function referenceReceiver(options: {
  scheme: SchemeId;
  secret: string;
  flaw: Flaw;
  slowMs?: number;
}) {
  const seen = new Set<string>();
  const server: Server = createServer((req, res) => {
    const answer = (status: number, body: unknown) => {
      if (!res.headersSent)
        res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(body));
    };
    const limited = options.flaw !== 'crashes-on-big-bodies';
    if (limited && Number(req.headers['content-length']) > LIMIT_BYTES) {
      res.setHeader('connection', 'close');
      answer(413, { error: 'too large' });
      req.resume();
      return;
    }
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', async () => {
      const raw = Buffer.concat(chunks);
      if (raw.length > LIMIT_BYTES)
        return answer(500, { error: 'JavaScript heap out of memory (simulated)' });
      let payload: Record<string, unknown>;
      try {
        payload = JSON.parse(raw.toString('utf8'));
      } catch {
        return answer(400, { error: 'invalid JSON' });
      }
      if (options.flaw !== 'accepts-any-signature') {
        const signedBytes = options.flaw === 're-serializes' ? Buffer.from(JSON.stringify(payload)) : raw;
        const result = verify(options.scheme, {
          secret: options.secret,
          body: signedBytes,
          headers: req.headers as Record<string, string>,
          now: Math.floor(Date.now() / 1000),
        });
        if (!result.ok) return answer(401, { error: result.reason });
      }
      const provider = detectProvider(payload) ?? findProvider('mes')!;
      const id =
        provider.eventId(payload) ??
        (req.headers['webhook-id'] as string | undefined) ??
        raw.toString('base64');
      if (seen.has(id) && options.flaw === 'rejects-duplicates')
        return answer(409, { error: 'duplicate event' });
      seen.add(id);
      if (options.flaw === 'too-slow') await new Promise((r) => setTimeout(r, options.slowMs ?? 300));
      answer(200, { ok: true });
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/webhooks`,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
