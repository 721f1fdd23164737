/** mes-webhooks/web: verification for web-standard `Request` handlers, without the CLI or node:http parts. */
export { verifyWebhook, withWebhook } from './web.js';
export type { VerifiedWebWebhook, WebVerifyOptions, WebVerifyResult } from './web.js';
