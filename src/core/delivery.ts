import { isUtf8 } from 'node:buffer';
import type { SchemaVerdict } from '../schema/verdict.js';
import type { SchemeId } from './schemes/types.js';

export type Direction = 'sent' | 'received';
/** What made the record: a send, a delivery received, its forward leg, a replay or a retry attempt. */
export type DeliveryKind = 'send' | 'receive' | 'forward' | 'replay' | 'retry';
export type Verdict = 'valid' | 'invalid' | 'missing' | 'unchecked';

export interface RecordedBody {
  /** The exact bytes: as text when they are valid UTF-8, else base64. */
  body: string;
  bodyEncoding: 'utf8' | 'base64';
}

export interface RecordedRequest extends RecordedBody {
  method: string;
  url: string;
  headers: Record<string, string>;
}

export interface RecordedResponse extends RecordedBody {
  status: number;
  headers: Record<string, string>;
}

/** One line of the delivery log: one attempt made or received. */
export interface DeliveryRecord {
  v: 1;
  deliveryId: string;
  direction: Direction;
  kind: DeliveryKind;
  /** When the request started (sent) or arrived (received), ISO 8601. */
  at: string;
  provider: string | null;
  event: string | null;
  eventId: string | null;
  scheme: SchemeId | null;
  /** 1 for a first attempt. */
  attempt: number;
  /** The delivery this one retries, replays or forwards. */
  parentId?: string;
  /** Shared by every attempt of one delivery. */
  groupId: string;
  request: RecordedRequest;
  response?: RecordedResponse;
  status: number | null;
  ok: boolean;
  durationMs: number;
  signature?: { verdict: Verdict; reason: string };
  /** Received deliveries: does the body match its event's schema. */
  schema?: SchemaVerdict;
  error?: { code: string; message: string };
  /** Received deliveries passed on with --forward-to: the leg to the user's app. */
  forward?: {
    deliveryId: string;
    url: string;
    status: number | null;
    durationMs: number;
    /** A bare string in logs written before the one JSON shape. */
    error?: { code: string; message: string } | string;
  };
  /** What a flaky listener simulated instead of its normal answer. */
  simulated?: string;
}

export function recordBody(bytes: Uint8Array | string): RecordedBody {
  if (typeof bytes === 'string') return { body: bytes, bodyEncoding: 'utf8' };
  const buffer = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  return isUtf8(buffer)
    ? { body: buffer.toString('utf8'), bodyEncoding: 'utf8' }
    : { body: buffer.toString('base64'), bodyEncoding: 'base64' };
}

/** The size of a recorded body in bytes, without decoding it. */
export function bodySize(recorded: RecordedBody): number {
  return recorded.bodyEncoding === 'base64'
    ? Buffer.byteLength(recorded.body, 'base64')
    : Buffer.byteLength(recorded.body, 'utf8');
}

export function bodyBytes(recorded: RecordedBody): Buffer {
  return Buffer.from(recorded.body, recorded.bodyEncoding === 'base64' ? 'base64' : 'utf8');
}

// Date's toISOString formats every field each time; a load run or a busy listener
// stamps thousands of records a second.
let isoSecond = Number.NaN;
let isoPrefix = '';

/** `at.toISOString()`, with the text up to the second made once a second. */
export function isoTime(at: Date): string {
  const ms = at.getTime();
  const second = Math.floor(ms / 1000);
  if (second !== isoSecond) {
    // An invalid date throws here, as toISOString does.
    const text = at.toISOString();
    isoSecond = second;
    isoPrefix = text.slice(0, -4);
    return text;
  }
  const milli = ms - second * 1000;
  return `${isoPrefix}${milli < 10 ? '00' : milli < 100 ? '0' : ''}${milli}Z`;
}

export const isSuccess = (status: number | null): boolean => status !== null && status >= 200 && status < 300;
