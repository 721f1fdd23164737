import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { verify } from '../../src/core/schemes/index.js';

export type PayloadFlaw = 'none' | 'needs-optional-field' | 'hangs-on-long-strings' | 'dies-on-unknown-enum';

const longestString = (v: unknown): number =>
  typeof v === 'string'
    ? v.length
    : typeof v === 'object' && v !== null
      ? Math.max(0, ...Object.values(v).map(longestString))
      : 0;

const field = (payload: unknown, ...path: string[]): unknown =>
  path.reduce<unknown>(
    (at, key) => (typeof at === 'object' && at !== null ? (at as Record<string, unknown>)[key] : undefined),
    payload,
  );

/**
 * An MES receiver that checks signatures and answers 400 to what it cannot read, correct unless
 * given one flaw a payload can trigger. Every body it was sent is kept, byte for byte.
 */
export async function fuzzReceiver(secret: string, flaw: PayloadFlaw) {
  const bodies: string[] = [];
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const raw = Buffer.concat(chunks);
      bodies.push(raw.toString('utf8'));
      const answer = (status: number) => res.writeHead(status).end();
      const signed = verify('mes', {
        secret,
        body: raw,
        headers: req.headers as Record<string, string>,
        now: Math.floor(Date.now() / 1000),
      });
      if (!signed.ok) return answer(401);
      let payload: unknown;
      try {
        payload = JSON.parse(raw.toString('utf8'));
      } catch {
        return answer(400);
      }
      const workOrder = field(payload, 'data', 'workOrder');
      // Reads workOrder.status.toUpperCase() without a guard.
      if (flaw === 'needs-optional-field' && typeof workOrder === 'object' && workOrder !== null)
        if (!Object.hasOwn(workOrder, 'status')) return answer(500);
      // A pathological regex or a synchronous call: it never answers.
      if (flaw === 'hangs-on-long-strings' && longestString(payload) > 1000) return;
      // An exhaustive switch that throws past the framework and takes the socket down.
      const result = field(payload, 'data', 'inspection', 'result');
      if (flaw === 'dies-on-unknown-enum' && typeof result === 'string' && !['PASS', 'FAIL'].includes(result))
        return req.socket.destroy();
      answer(200);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/webhooks/mes`,
    bodies,
    close: () =>
      new Promise<void>((resolve) => {
        // A hanging receiver holds requests open: end them so close returns.
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
