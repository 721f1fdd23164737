import { deliveryJson } from '../core/delivery-json.js';
import type { DeliveryEvent } from './stream.js';

interface Texts {
  json: string;
  log?: string;
}

// Kept on the event itself, under a key JSON never shows: a WeakMap cost a busy listener about 4 µs a
// delivery, most of it the garbage collector's work on its entries. Texts are made once the event's
// record is final; a copy of the event (a spread) shares them, as it shares the record.
const TEXTS = Symbol('texts');
type Carrier = DeliveryEvent & { [TEXTS]?: Texts };

function textsOf(event: Carrier): Texts {
  let texts = event[TEXTS];
  if (texts === undefined) {
    texts = { json: JSON.stringify(deliveryJson(event.record)) };
    event[TEXTS] = texts;
  }
  return texts;
}

/**
 * A delivery's JSON (its documented shape), made once per event: the log line and the --json line
 * both start from it, so a delivery is serialised once however many sinks keep or print it.
 */
export function deliveryText(event: DeliveryEvent): string {
  return textsOf(event).json;
}

/**
 * The delivery's log line, the same bytes as `logLine`: its JSON, then the parent id and the exact
 * request and response (keys `deliveryJson` never has, so the two texts join without a clash).
 */
export function logText(event: DeliveryEvent): string {
  const texts = textsOf(event);
  if (texts.log === undefined) {
    const r = event.record;
    const parent = r.parentId ? `,"parentId":${JSON.stringify(r.parentId)}` : '';
    const response = r.response ? `,"response":${JSON.stringify(r.response)}` : '';
    texts.log = `${texts.json.slice(0, -1)}${parent},"request":${JSON.stringify(r.request)}${response}}`;
  }
  return texts.log;
}

/** The log line of an event if a sink has made it already (the log has), else undefined. */
export function madeLogText(event: DeliveryEvent): string | undefined {
  return (event as Carrier)[TEXTS]?.log;
}
