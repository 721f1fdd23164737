import { validateEvent } from './registry.js';
import type { SchemaProblem } from './types.js';

export type SchemaVerdictName = 'valid' | 'invalid' | 'unknown';

/** Whether a delivery matches its event's schema; what the log, --json and the terminal line carry. */
export interface SchemaVerdict {
  verdict: SchemaVerdictName;
  /** Why the verdict is invalid (each a JSON Pointer and a message). */
  problems?: SchemaProblem[];
  /** Fields the schema does not know, and annotation-only formats: never a failure. */
  notes?: SchemaProblem[];
  /** Why there is no verdict, when unknown. */
  reason?: string;
}

const MAX_LISTED = 20;

/**
 * The schema verdict of a delivery's body: `unknown` when the provider or event is not known or has no
 * schema, or the body is no JSON; otherwise `valid` or `invalid` with the problems. Never throws.
 */
export function schemaVerdict(
  provider: string | null,
  event: string | null,
  body: Uint8Array | string,
  /** The provider's own schemas by event type (a config's schema folder), before the built-ins. */
  own?: Readonly<Record<string, object>>,
): SchemaVerdict {
  if (provider === null || event === null)
    return { verdict: 'unknown', reason: 'not a known provider and event' };
  let payload: unknown;
  try {
    const text =
      typeof body === 'string'
        ? body
        : Buffer.from(body.buffer, body.byteOffset, body.byteLength).toString('utf8');
    payload = JSON.parse(text);
  } catch {
    return { verdict: 'unknown', reason: 'the body is not JSON' };
  }
  return payloadVerdict(provider, event, payload, own);
}

/** The schema verdict of a body already parsed (the listener parses each body once). Never throws. */
export function payloadVerdict(
  provider: string,
  event: string,
  payload: unknown,
  own?: Readonly<Record<string, object>>,
): SchemaVerdict {
  const result = validateEvent(provider, event, payload, own);
  if (!result) return { verdict: 'unknown', reason: `no schema for ${provider}:${event}` };
  // A hostile body can break every field: the record keeps the first ones and says how many there were.
  const cap = (list: SchemaProblem[]) =>
    list.length <= MAX_LISTED
      ? list
      : [...list.slice(0, MAX_LISTED), { pointer: '', message: `and ${list.length - MAX_LISTED} more` }];
  // Without spreads: a busy listener asks for a verdict thousands of times a second.
  const verdict: SchemaVerdict = { verdict: result.problems.length === 0 ? 'valid' : 'invalid' };
  if (result.problems.length > 0) verdict.problems = cap(result.problems);
  if (result.notes.length > 0) verdict.notes = cap(result.notes);
  return verdict;
}

export { schemaSummary } from './summary.js';
