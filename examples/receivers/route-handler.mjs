// A Next.js-style route handler (app/api/webhooks/mes/route.ts): a function from Request to Response.
import { withWebhook } from 'mes-webhooks/web';

/** @param {{ secret: string, now?: () => number | Date, onEvent?: (webhook: import('mes-webhooks/web').VerifiedWebWebhook) => void }} options */
export function createRouteHandler({ secret, now, onEvent = () => {} }) {
  // withWebhook answers 401 (signature), 400 (body) and 413 (size) itself.
  return withWebhook({ provider: 'mes', secret, now }, async (webhook) => {
    onEvent(webhook);
    return Response.json({ received: webhook.eventId });
  });
}

// In a Next.js app the route file exports the handler:
// export const POST = createRouteHandler({ secret: process.env.MES_WEBHOOK_SECRET });
