import { timestampCheck } from './timestamp.js';

export const timestampStale = timestampCheck('stale');
