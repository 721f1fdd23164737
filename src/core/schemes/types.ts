import type { HeaderInput } from '../headers.js';
import type { Bytes } from './hmac.js';

/** The schemes built in; a config file can declare more. */
export const SCHEME_IDS = ['mes', 'katana', 'tracktile', 'betterez', 'standard'] as const;
export type BuiltinSchemeId = (typeof SCHEME_IDS)[number];
export type SchemeId = string;

export interface SignInput {
  secret: string;
  body: Bytes;
  /** Unix seconds; used by the timestamped schemes. */
  timestamp: number;
  /** The message id of schemes that sign one (Standard Webhooks' `webhook-id`). */
  messageId: string;
}

export interface VerifyInput {
  secret: string;
  body: Bytes;
  headers: HeaderInput;
  /** Unix seconds, from an injected clock: the reference for timestamp tolerance. */
  now: number;
  /** Overrides the scheme's tolerance, in seconds; null turns the check off. */
  toleranceSec?: number | null;
}

export type VerifyResult =
  | { ok: true; verdict: 'valid'; reason: string }
  | { ok: false; verdict: 'invalid' | 'missing'; reason: string };

/** A signature header set broken in one way, for verify's malformed and rotation probes. */
export interface HeaderVariant {
  label: string;
  headers: Record<string, string>;
}

/** `none`: the document sets no limit in this direction (Stripe-style verifiers limit only age). */
export type TimestampDemand = 'required' | 'advised' | 'none';

export interface Scheme {
  id: SchemeId;
  description: string;
  /** Lowercase header names; the first one is the header whose presence identifies the scheme. */
  headers: readonly string[];
  /** Headers whose presence identifies the scheme; the first of `headers` when absent. */
  identifiedBy?: readonly string[];
  /**
   * Whether the vendor's document has receivers verify the raw bytes (`required`) or re-serialize
   * the parsed body (`reserialized`); `required` when absent.
   */
  rawBody?: { demand: 'required' | 'reserialized'; source: string };
  /** Default tolerance for the signed timestamp, in seconds; null when the scheme signs none. */
  toleranceSec: number | null;
  sign(input: SignInput): Record<string, string>;
  /** Never throws: malformed input comes back as a verdict with a reason. */
  verify(input: VerifyInput): VerifyResult;
  /**
   * What the vendor's document asks of a receiver about an old (stale) or future timestamp:
   * `required` makes accepting one a failure in verify, `advised` a warning. Both required when absent.
   */
  timestampRule?: { stale: TimestampDemand; future: TimestampDemand; source?: string };
  /** Signature headers broken the ways real clients break them; generic breakage when absent. */
  malformed?(valid: Record<string, string>, timestamp: number): HeaderVariant[];
  /** One valid signature among decoys, for schemes whose header can carry several. */
  rotation?(valid: Record<string, string>, decoySecret: string): HeaderVariant | undefined;
}

export const valid = (reason = 'signature matches'): VerifyResult => ({ ok: true, verdict: 'valid', reason });
export const invalid = (reason: string): VerifyResult => ({ ok: false, verdict: 'invalid', reason });
export const missing = (header: string): VerifyResult => ({
  ok: false,
  verdict: 'missing',
  reason: `no ${header} header`,
});
