import { HOUR_MS, MINUTE_MS, SECOND_MS, type ProviderPlace, type Schedule } from '../types.js';
import { standardScheme } from './scheme.js';

export { standardKey, standardScheme, type SecretFormat } from './scheme.js';

/** The Standard Webhooks retry schedule (immediately, 5 s, 5 m, 30 m, 2 h, 5 h, 10 h, 14 h, 20 h, 24 h). */
export const STANDARD_SCHEDULE: Schedule = {
  name: 'standard',
  delaysMs: [
    0,
    5 * SECOND_MS,
    5 * MINUTE_MS,
    30 * MINUTE_MS,
    2 * HOUR_MS,
    5 * HOUR_MS,
    10 * HOUR_MS,
    14 * HOUR_MS,
    20 * HOUR_MS,
    24 * HOUR_MS,
  ],
};

/** A scheme any provider can sign with (`--scheme standard`); it has no events of its own. */
export const standard: ProviderPlace = {
  id: 'standard',
  scheme: standardScheme(),
  schedule: STANDARD_SCHEDULE,
  lifecycle: [],
};
