import { timestampCheck } from './timestamp.js';

export const timestampFuture = timestampCheck('future');
