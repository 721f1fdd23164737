// An Express receiver for MES webhooks: the signature is checked over the raw body before any parsing.
import express from 'express';
import { expressWebhook } from 'mes-webhooks';

/** @param {{ secret: string, now?: () => number, onEvent?: (webhook: import('mes-webhooks').VerifiedWebhook) => void }} options */
export function createExpressApp({ secret, now, onEvent = () => {} }) {
  const app = express();
  // expressWebhook reads the raw bytes itself: mount no JSON parser before it on this route.
  app.post('/webhooks/mes', expressWebhook({ provider: 'mes', secret, now }), (req, res) => {
    onEvent(req.webhook);
    // Answer first; real work belongs on a queue, so the answer stays inside the 5 s deadline.
    res.status(200).json({ received: req.webhook.eventId });
  });
  return app;
}
