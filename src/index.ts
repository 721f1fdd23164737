/**
 * mes-webhooks as a library: sign and verify the five schemes, build signed sample events for all 81
 * event types, verify requests in node:http, Express or web-standard `Request` handlers, and run the
 * listener in-process. The testing kit is `mes-webhooks/testing`.
 */
export { SCHEMES, SCHEME_IDS, sign, verify, detectScheme } from './core/schemes/index.js';
export type { Scheme, SchemeId, SignInput, VerifyInput, VerifyResult } from './core/schemes/index.js';
export { PROVIDERS, findProvider, detectProvider } from './core/providers/index.js';
export type { Provider, Payload, Schedule } from './core/providers/index.js';
export { buildEvent, events } from './library.js';
export type { BuildEventOptions, BuiltWebhook, EventInfo } from './library.js';
export type { EventName, EventPayloads } from './generated/catalog.js';
export { webhookHandler, expressWebhook, verifyRequest } from './handler.js';
export type { VerifiedWebhook, WebhookOptions } from './handler.js';
export type { DeliveryRecord } from './core/delivery.js';
export { createListener } from './server/listener.js';
export type { Listener, ListenerOptions } from './server/listener.js';
export { DEV_SECRET } from './io/config.js';
export { verifyWebhook, withWebhook } from './web.js';
export type { VerifiedWebWebhook, WebVerifyOptions, WebVerifyResult } from './web.js';
