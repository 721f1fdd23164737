import type { DeliveryRecord, Direction } from './delivery.js';
import { UsageError } from './errors.js';
import { globMatcher } from './glob.js';

export interface LogFilter {
  event?: string;
  provider?: string;
  direction?: Direction;
  failed?: boolean;
  since?: Date;
  /** Leave out forward legs (the copies --forward-to passed on). */
  originalsOnly?: boolean;
  /** Only received deliveries with this schema verdict. */
  schema?: 'valid' | 'invalid' | 'unknown';
}

/** `work_order.*` style patterns: `*` is any run of characters, everything else is literal. Linear time. */
export function globToRegExp(pattern: string): { test(text: string): boolean } {
  return { test: globMatcher(pattern) };
}

const UNITS_MS: Record<string, number> = { s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000, w: 604_800_000 };

/** `30m`, `2h`, `1d` before `now`, or an ISO 8601 time. */
export function parseSince(text: string, now: Date): Date {
  const relative = /^(\d+(?:\.\d+)?)\s*(s|m|h|d|w)$/.exec(text.trim());
  if (relative) return new Date(now.getTime() - Number(relative[1]) * UNITS_MS[relative[2]!]!);
  const absolute = new Date(text);
  if (/^\d{4}-\d{2}-\d{2}/.test(text) && !Number.isNaN(absolute.getTime())) return absolute;
  throw new UsageError(
    `"${text}" is neither a duration like 30m, 2h or 1d nor an ISO time`,
    undefined,
    'E_BAD_SINCE',
  );
}

/**
 * A cheap test on a raw log line that only rules out lines which cannot match the event glob: every
 * literal piece of the glob must appear in the line. Saves parsing most lines of a large log.
 */
export function prefilterFor(eventGlob: string | undefined): ((line: Uint8Array) => boolean) | undefined {
  if (!eventGlob) return undefined;
  // Pieces JSON would escape cannot be looked for as they are.
  const pieces = eventGlob.split('*').filter((p) => p !== '' && /^[\x20-\x7e]+$/.test(p) && !/["\\]/.test(p));
  return pieces.length === 0 ? undefined : lineContains(pieces);
}

/** A test on a raw log line, without decoding it: does it hold every one of these texts? */
export function lineContains(texts: readonly string[]): (line: Uint8Array) => boolean {
  const needles = texts.map((t) => Buffer.from(t));
  return (line) => needles.every((n) => Buffer.prototype.includes.call(line, n));
}

export function matcher(filter: LogFilter): (r: DeliveryRecord) => boolean {
  const event = filter.event ? globToRegExp(filter.event) : undefined;
  const since = filter.since?.getTime();
  return (r) =>
    (event === undefined || (r.event !== null && event.test(r.event))) &&
    (filter.provider === undefined || r.provider === filter.provider) &&
    (filter.direction === undefined || r.direction === filter.direction) &&
    (!filter.failed || !r.ok) &&
    (since === undefined || Date.parse(r.at) >= since) &&
    (!filter.originalsOnly || r.kind !== 'forward') &&
    (filter.schema === undefined || r.schema?.verdict === filter.schema);
}
