import type { DeliveryRecord } from '../core/delivery.js';
import { DELIVERY_JSON_VERSION, PRESET_LINE, type PresetLine } from '../core/delivery-json.js';

const J = JSON.stringify;
/** A number as JSON writes it: a finite one reads the same as text. */
const N = (n: number) => (Number.isFinite(n) ? `${n}` : 'null');

/**
 * The JSON of up to four fields that stay the same through a run, made again only when one of them
 * changes (compared by identity). A receiver mostly answers with the same head, which the load
 * engine reads into one shared headers object, so that object's JSON is made once too.
 */
class Fixed<A, B, C = undefined, D = undefined> {
  private a: unknown = Fixed;
  private b: unknown;
  private c: unknown;
  private d: unknown;
  private text = '';
  constructor(private readonly make: (a: A, b: B, c: C, d: D) => string) {}
  of(a: A, b: B, c: C, d: D): string {
    if (a !== this.a || b !== this.b || c !== this.c || d !== this.d) {
      this.text = this.make(a, b, c, d);
      this.a = a;
      this.b = b;
      this.c = c;
      this.d = d;
    }
    return this.text;
  }
}

const sender = new Fixed(
  (direction: string, kind: string, provider: unknown, event: unknown) =>
    `,"direction":${J(direction)},"kind":${J(kind)},"provider":${J(provider)},"event":${J(event)},"eventId":`,
);
const target = new Fixed(
  (scheme: unknown, url: string) => `,"scheme":${J(scheme)},"url":${J(url)},"status":`,
);
const method = new Fixed(
  (name: string, url: string) => `,"request":{"method":${J(name)},"url":${J(url)},"headers":`,
);
const answered = new Fixed(
  (status: number, headers: Record<string, string>, body: string, encoding: string) =>
    `,"response":{"status":${J(status)},"headers":${J(headers)},"body":${J(body)},"bodyEncoding":${J(encoding)}}`,
);

/**
 * The log line of a sent record, byte for byte what `logLine` would make, but with the request body
 * already escaped (a load run fills it into its template) instead of escaped again, with what stays
 * the same through a run made once, and without the intermediate objects. Records with any of the
 * fields a send never has are left to `logLine`.
 */
export function sentLine(r: DeliveryRecord, bodyJson: string): string | undefined {
  if (r.parentId || r.signature || r.schema || r.forward || r.simulated) return undefined;
  const request = r.request;
  if (request.bodyEncoding !== 'utf8' || (r.error !== undefined && typeof r.error !== 'object'))
    return undefined;
  if (r.provider === undefined || r.event === undefined || r.eventId === undefined || r.scheme === undefined)
    return undefined;
  // A status (a number or null) and ok (a boolean) read the same as text and as JSON; a record is
  // its own group unless it was sent again.
  const id = J(r.deliveryId);
  let line =
    `{"v":${DELIVERY_JSON_VERSION},"deliveryId":${id}${sender.of(r.direction, r.kind, r.provider, r.event)}` +
    `${J(r.eventId)}${target.of(r.scheme, request.url, undefined, undefined)}${r.status},"ok":${r.ok},"attempt":${N(r.attempt)}` +
    `,"durationMs":${N(r.durationMs)},"at":${J(r.at)},"groupId":${r.groupId === r.deliveryId ? id : J(r.groupId)}`;
  if (r.error) line += `,"error":${J(r.error)}`;
  line += `${method.of(request.method, request.url, undefined, undefined)}${J(request.headers)},"body":"${bodyJson}","bodyEncoding":"utf8"}`;
  const response = r.response;
  if (response) line += answered.of(response.status, response.headers, response.body, response.bodyEncoding);
  return `${line}}`;
}

/** Gives the record its line, when `sentLine` makes one: the log then writes it as it is. */
export function presetLine(record: DeliveryRecord, bodyJson: string | undefined): void {
  const line = bodyJson === undefined ? undefined : sentLine(record, bodyJson);
  if (line !== undefined) (record as { [PRESET_LINE]?: PresetLine })[PRESET_LINE] = { line, of: record };
}
