import { isUtf8 } from 'node:buffer';
import { isoTime, recordBody, type DeliveryRecord, type RecordedBody, type Verdict } from './delivery.js';
import { capEventName } from './glob.js';
import type { Provider } from './providers/types.js';
import { BUILTIN_REGISTRY, type Registry } from './registry.js';
import { verify, type Scheme } from './schemes/index.js';

export interface Inspection {
  provider: Provider | undefined;
  scheme: Scheme | undefined;
  event: string | null;
  eventId: string | null;
  signature: { verdict: Verdict; reason: string };
  /** Why the body cannot be taken, answered with 400. */
  problem?: string;
  /** The body parsed, when it is JSON: parsed once, its schema checked against this. */
  payload?: unknown;
  /** The body as text, when it is JSON: decoded once, kept in the record as it is. */
  text?: string;
}

const JSON_TYPE = /^application\/([a-z0-9.+-]*\+)?json\s*(;|$)/i;

function bodyProblem(
  contentType: string | undefined,
  bytes: Buffer,
): { problem?: string; payload?: unknown; text?: string } {
  if (bytes.length === 0) return { problem: 'the body is empty' };
  if (contentType === undefined)
    return { problem: 'no content-type header; webhooks are sent as application/json' };
  if (!JSON_TYPE.test(contentType))
    return { problem: `content-type is ${contentType}, not application/json` };
  if (!isUtf8(bytes)) return { problem: 'the body is not valid UTF-8' };
  const text = bytes.toString('utf8');
  try {
    return { payload: JSON.parse(text), text };
  } catch {
    return { problem: 'the body is not valid JSON' };
  }
}

/** Works out what a delivery is: provider, event, and whether its signature holds. Never throws. */
export function inspectDelivery(
  headers: Record<string, string>,
  bytes: Buffer,
  secret: string,
  nowSec: number,
  registry: Registry = BUILTIN_REGISTRY,
): Inspection {
  try {
    return inspect(headers, bytes, secret, nowSec, registry);
  } catch (error) {
    // A body no check foresaw: taken as unreadable, answered 400, still logged.
    return {
      provider: undefined,
      scheme: undefined,
      event: null,
      eventId: null,
      signature: { verdict: 'unchecked', reason: 'the delivery could not be inspected' },
      problem: `the delivery could not be inspected: ${(error as Error).message}`,
    };
  }
}

const isEnvelope = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);
const textOrNull = (value: unknown) => (typeof value === 'string' ? value : null);

function inspect(
  headers: Record<string, string>,
  bytes: Buffer,
  secret: string,
  nowSec: number,
  registry: Registry,
): Inspection {
  const { problem, payload, text } = bodyProblem(headers['content-type'], bytes);
  const scheme = registry.detectScheme(headers);
  const provider =
    registry.detectProvider(payload, scheme?.id) ?? (scheme ? registry.provider(scheme.id) : undefined);
  // `null`, arrays and numbers are valid JSON but no envelope: a provider found from the headers alone must not read them.
  const envelope = isEnvelope(payload) ? payload : undefined;
  const known = provider !== undefined && envelope !== undefined && provider.matches(envelope);
  let signature: Inspection['signature'];
  if (scheme) {
    const result = verify(scheme.id, { secret, body: bytes, headers, now: nowSec }, registry);
    signature = { verdict: result.verdict, reason: result.reason };
  } else if (provider) {
    signature = { verdict: 'missing', reason: `no ${registry.scheme(provider.scheme).headers[0]} header` };
  } else {
    signature = { verdict: 'unchecked', reason: 'no signature header, and the body is no known envelope' };
  }
  return {
    provider,
    scheme,
    event: capEventName(textOrNull(known ? provider.eventType(envelope) : undefined)),
    eventId: capEventName(
      textOrNull(known ? provider.eventId(envelope) : undefined) ??
        headers['webhook-id'] ??
        headers['svix-id'] ??
        null,
    ),
    signature,
    problem,
    payload,
    text,
  };
}

/** A received delivery as a record, before it is answered. */
export function receivedRecord(
  deliveryId: string,
  arrived: Date,
  request: { method: string; url: string; headers: Record<string, string>; bytes: Buffer },
  seen: Inspection,
): DeliveryRecord {
  const body: RecordedBody =
    seen.text === undefined ? recordBody(request.bytes) : { body: seen.text, bodyEncoding: 'utf8' };
  // Field by field in the record's order, without spreads: a busy listener makes thousands a second.
  const record: DeliveryRecord = {
    v: 1,
    deliveryId,
    direction: 'received',
    kind: 'receive',
    at: isoTime(arrived),
    provider: seen.provider?.id ?? null,
    event: seen.event,
    eventId: seen.eventId,
    scheme: seen.scheme?.id ?? null,
    attempt: 1,
    groupId: deliveryId,
    request: {
      method: request.method,
      url: request.url,
      headers: request.headers,
      body: body.body,
      bodyEncoding: body.bodyEncoding,
    },
    status: null,
    ok: false,
    durationMs: 0,
    signature: seen.signature,
  };
  if (seen.problem) record.error = { code: 'BAD_BODY', message: seen.problem };
  return record;
}
