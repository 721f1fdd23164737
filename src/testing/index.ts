/**
 * mes-webhooks/testing: deliver signed events to a receiver under test (a URL, or an app in this
 * process), run `verify`'s checks against it, and play a platform's retry schedule with a fake clock.
 */
export { deliver } from './deliver.js';
export type { DeliverOptions, DeliverResult } from './deliver.js';
export { checkReceiver, failures, CHECK_IDS } from './check.js';
export type { CheckReceiverOptions, ReceiverCheck } from './check.js';
export { simulateRetries } from './retries.js';
export type { RetryAttempt, SimulateRetriesOptions } from './retries.js';
export { createFakeClock } from './clock.js';
export type { FakeClock } from './clock.js';
export { makeDelivery as buildDelivery, TAMPERS } from './event.js';
export type { Clock, EventOptions, SentDelivery, Tamper } from './event.js';
export type { Target, FetchHandler } from './transport.js';
export type { LogOption } from './log.js';
export type { EventName, EventPayloads } from '../generated/catalog.js';
export { DEV_SECRET } from '../io/config.js';
