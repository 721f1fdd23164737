import { deliveryJson } from '../core/delivery-json.js';
import type { DeliveryEvent } from './stream.js';

const made = new WeakMap<DeliveryEvent, string>();

/**
 * A delivery's JSON (its documented shape), made once per event: the log line and the --json line
 * both start from it, so a delivery is serialised once however many sinks keep or print it.
 */
export function deliveryText(event: DeliveryEvent): string {
  let text = made.get(event);
  if (text === undefined) {
    text = JSON.stringify(deliveryJson(event.record));
    made.set(event, text);
  }
  return text;
}

/**
 * The delivery's log line, the same bytes as `logLine`: its JSON, then the parent id and the exact
 * request and response (keys `deliveryJson` never has, so the two texts join without a clash).
 */
export function logText(event: DeliveryEvent): string {
  const r = event.record;
  const head = deliveryText(event);
  const parent = r.parentId ? `,"parentId":${JSON.stringify(r.parentId)}` : '';
  const response = r.response ? `,"response":${JSON.stringify(r.response)}` : '';
  return `${head.slice(0, -1)}${parent},"request":${JSON.stringify(r.request)}${response}}`;
}
