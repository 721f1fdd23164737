// A Hono receiver for Standard Webhooks: c.req.raw is a web-standard Request, verified as it is.
import { Hono } from 'hono';
import { verifyWebhook } from 'mes-webhooks/web';

/** @param {{ secret: string, now?: () => number | Date, onEvent?: (webhook: import('mes-webhooks/web').VerifiedWebWebhook) => void }} options */
export function createHonoApp({ secret, now, onEvent = () => {} }) {
  const app = new Hono();
  app.post('/webhooks', async (c) => {
    const result = await verifyWebhook(c.req.raw, { scheme: 'standard', secret, now });
    if (!result.ok) return c.json({ error: result.reason }, result.status);
    onEvent(result);
    return c.json({ ok: true });
  });
  return app;
}
