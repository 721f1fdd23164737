import type { Scheme, SchemeId } from '../schemes/types.js';

export type Payload = Record<string, unknown>;

/** The providers built in, in the order they are listed (one folder each); a config file can declare more. */
export const BUILTIN_PROVIDER_IDS = ['mes', 'tracktile', 'betterez', 'katana'] as const;

/** The non-deterministic inputs of building an event, injected so tests can pin them. */
export interface Freshness {
  now: Date;
  uuid(): string;
}

/** Attempt delays, each counted from the previous attempt; the first is 0. */
export interface Schedule {
  name: string;
  delaysMs: readonly number[];
  /** After the listed attempts fail: the delivery is marked failed, then tried again this often. */
  thereafter?: { everyMs: number; count: number };
}

/** What a provider's envelope check must do: a zod schema fits, as does any object with this method. */
export interface EnvelopeSchema {
  safeParse(
    value: unknown,
  ):
    | { success: true }
    | { success: false; error: { issues: readonly { path: readonly PropertyKey[]; message: string }[] } };
}

export interface Provider {
  id: string;
  name: string;
  scheme: SchemeId;
  /** A response slower than this counts as a failure. */
  deadlineMs: number;
  schedule: Schedule;
  envelope: EnvelopeSchema;
  /** Recognises this provider's envelope in a body of unknown origin. */
  matches(payload: Payload): boolean;
  eventType(payload: Payload): string | undefined;
  /** The event's own id, where the provider has one. */
  eventId(payload: Payload): string | undefined;
  /** A copy with new ids and current timestamps, in the provider's own formats. */
  freshen(payload: Payload, fresh: Freshness): Payload;
  /** How the platform changes the body when it tries a delivery again; unchanged when absent. */
  redeliveredPayload?(payload: Payload, fresh: Freshness): Payload;
  /** Headers the platform adds to its Nth retry (1 for the first retry). */
  retryHeaders?(retry: number): Record<string, string>;
  /** JSON Schemas of its events by event type, for a provider declared with a schema folder. */
  schemas?: Readonly<Record<string, object>>;
}

export const SECOND_MS = 1000;
export const MINUTE_MS = 60 * SECOND_MS;
export const HOUR_MS = 60 * MINUTE_MS;
export const DAY_MS = 24 * HOUR_MS;

/** ISO 8601 in UTC to the second, the form the vendor documents show. */
export const isoSeconds = (date: Date): string => date.toISOString().replace(/\.\d{3}Z$/, 'Z');
export const unixSeconds = (date: Date): number => Math.floor(date.getTime() / 1000);
export const stringField = (payload: Payload, key: string): string | undefined =>
  typeof payload[key] === 'string' ? (payload[key] as string) : undefined;

/**
 * One provider's place: everything that makes it what it is, in one folder
 * (`src/core/providers/<id>/`), its events in `fixtures/<id>/`. A place without `provider` is a
 * scheme other providers sign with (standard).
 */
export interface ProviderPlace {
  id: string;
  /** Envelope, fresh ids, deadline, retry headers; absent for a place that is only a scheme. */
  provider?: Provider;
  scheme: Scheme;
  /** The retry schedule preset named after the place. */
  schedule: Schedule;
  /** Events of one lifecycle on one object, in the order they happen (verify sends them backwards). */
  lifecycle: readonly string[];
}
