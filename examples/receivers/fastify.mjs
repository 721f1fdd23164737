// A Fastify receiver for Tracktile webhooks: JSON bodies are kept as raw bytes and verified before use.
import Fastify from 'fastify';
import { verify } from 'mes-webhooks';

/** @param {{ secret: string, now?: () => number, onEvent?: (payload: unknown) => void }} options */
export function createFastifyApp({ secret, now = () => Math.floor(Date.now() / 1000), onEvent = () => {} }) {
  const app = Fastify({ bodyLimit: 1024 * 1024 });
  // Platforms deliver at least once: a repeated event id is acknowledged, not processed again.
  // (A real receiver keeps these in its database, under a unique key.)
  const processed = new Set();
  // The signature covers the exact bytes: keep them, parse only after verifying.
  app.addContentTypeParser('application/json', { parseAs: 'buffer' }, (_req, body, done) => done(null, body));
  app.post('/webhooks/tracktile', async (request, reply) => {
    const body = /** @type {Buffer} */ (request.body ?? Buffer.alloc(0));
    const verdict = verify('tracktile', { secret, body, headers: request.headers, now: now() });
    if (!verdict.ok) return reply.code(401).send({ error: verdict.reason });
    let payload;
    try {
      payload = JSON.parse(body.toString('utf8'));
    } catch {
      return reply.code(400).send({ error: 'not JSON' });
    }
    if (processed.has(payload.id)) return reply.code(200).send({ ok: true, duplicate: true });
    processed.add(payload.id);
    onEvent(payload);
    return reply.code(200).send({ ok: true });
  });
  return app;
}
