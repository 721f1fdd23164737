import type { DeliveryRecord } from '../core/delivery.js';
import { DELIVERY_JSON_VERSION, PRESET_LINE } from '../core/delivery-json.js';

const J = JSON.stringify;

// A receiver mostly answers with the same head, which the load engine reads into one shared headers
// object: its JSON is made once while it stays the same object.
let lastHeaders: Record<string, string> | undefined;
let lastHeadersJson = '';
const headersJson = (headers: Record<string, string>) => {
  if (headers !== lastHeaders) {
    lastHeadersJson = J(headers);
    lastHeaders = headers;
  }
  return lastHeadersJson;
};

/**
 * The log line of a sent record, byte for byte what `logLine` would make, but with the request body
 * already escaped (a load run fills it into its template) instead of escaped again, and without the
 * intermediate objects. Records with any of the fields a send never has are left to `logLine`.
 */
export function sentLine(r: DeliveryRecord, bodyJson: string): string | undefined {
  if (r.parentId || r.signature || r.schema || r.forward || r.simulated) return undefined;
  if (r.request.bodyEncoding !== 'utf8' || (r.error !== undefined && typeof r.error !== 'object'))
    return undefined;
  if (r.provider === undefined || r.event === undefined || r.eventId === undefined || r.scheme === undefined)
    return undefined;
  let line =
    `{"v":${DELIVERY_JSON_VERSION},"deliveryId":${J(r.deliveryId)},"direction":${J(r.direction)},"kind":${J(r.kind)}` +
    `,"provider":${J(r.provider)},"event":${J(r.event)},"eventId":${J(r.eventId)},"scheme":${J(r.scheme)}` +
    `,"url":${J(r.request.url)},"status":${J(r.status)},"ok":${J(r.ok)},"attempt":${J(r.attempt)}` +
    `,"durationMs":${J(r.durationMs)},"at":${J(r.at)},"groupId":${J(r.groupId)}`;
  if (r.error) line += `,"error":${J(r.error)}`;
  line +=
    `,"request":{"method":${J(r.request.method)},"url":${J(r.request.url)},"headers":${J(r.request.headers)}` +
    `,"body":"${bodyJson}","bodyEncoding":"utf8"}`;
  const response = r.response;
  if (response)
    line +=
      `,"response":{"status":${J(response.status)},"headers":${headersJson(response.headers)}` +
      `,"body":${J(response.body)},"bodyEncoding":${J(response.bodyEncoding)}}`;
  return `${line}}`;
}

/** Gives the record its line, when `sentLine` makes one: the log then writes it as it is. */
export function presetLine(record: DeliveryRecord, bodyJson: string | undefined): void {
  const line = bodyJson === undefined ? undefined : sentLine(record, bodyJson);
  // Not enumerable, so a copy of the record made by spreading it does not carry a line it may not match.
  if (line !== undefined) Object.defineProperty(record, PRESET_LINE, { value: line });
}
