import { UsageError } from '../core/errors.js';
import { MAX_OFFSET_MS } from '../core/limits.js';
import { BUILTIN_REGISTRY, type Registry } from '../core/registry.js';
import { parseDuration } from '../core/schedule.js';
import { closest } from '../core/suggest.js';
import type { SchemeId } from '../core/schemes/types.js';
import type { Flags, OptionsOf } from './declare.js';

/** Why an option's value was refused; parseDeclared names the flag. */
class Refused extends Error {}

const refuse = (message: string): never => {
  throw new Refused(message);
};

/**
 * An option's check: what commander read (a string, a boolean, a list, or nothing) becomes the
 * value the command gets. Plain functions, not a schema library: options are checked on every start.
 */
export class Piece<T> {
  constructor(readonly read: (value: unknown) => T) {}

  /** Absent stays absent. */
  optional(): Piece<T | undefined> {
    return new Piece((v) => (v === undefined ? undefined : this.read(v)));
  }

  default(fallback: T): Piece<T> {
    return new Piece((v) => (v === undefined ? fallback : this.read(v)));
  }

  /** A further condition on the value, with the message when it fails. */
  check(ok: (value: T) => boolean, message: string): Piece<T> {
    return new Piece((v) => {
      const value = this.read(v);
      return ok(value) ? value : refuse(message);
    });
  }
}

const piece = <T>(read: (value: unknown) => T) => new Piece(read);

const string = (v: unknown): string => (typeof v === 'string' ? v : refuse('is required'));

/** Text; `min` characters at least (1 unless given), with the message when shorter. */
const text = (min = 1, message = 'must not be empty') =>
  piece((v) => {
    const s = string(v);
    return s.length >= min ? s : refuse(message);
  });

/** A finite number as JavaScript reads it (`Number`); further bounds with check(). */
const number = (message: string) =>
  piece((v) => {
    const n = Number(string(v));
    return Number.isFinite(n) ? n : refuse(message);
  });

const int = (min: number, max = Number.MAX_SAFE_INTEGER) =>
  piece((v) => {
    const n = Number(string(v));
    if (!Number.isInteger(n)) return refuse('must be a whole number');
    if (n < min) return refuse(`must be at least ${min}`);
    return n <= max ? n : refuse(`must be at most ${max}`);
  });

const oneOf = <const V extends readonly string[]>(values: V, message: string) =>
  piece((v) => {
    const s = string(v);
    return values.includes(s) ? (s as V[number]) : refuse(message);
  });

/** An absolute URL with one of these protocols (`http`, `https`). */
const url = (protocols: readonly string[], message: string) =>
  piece((v) => {
    const s = string(v);
    if (!URL.canParse(s)) return refuse(message);
    return protocols.includes(new URL(s).protocol.slice(0, -1)) ? s : refuse(message);
  });

/** A flag: false unless given. */
const off = () => piece((v) => v === true).default(false);
/** A `--no-` flag: true unless turned off. */
const on = () => piece((v) => v !== false).default(true);

/** A repeatable option's values, in order. */
const list = () => piece((v) => (Array.isArray(v) ? v.map(string) : [string(v)])).default([] as string[]);

/** Repeatable, comma-separated values as one flat list. */
const commaList = () =>
  piece((v) =>
    (Array.isArray(v) ? v.map(string) : [string(v)])
      .flatMap((s) => s.split(','))
      .map((s) => s.trim())
      .filter(Boolean),
  ).default([]);

/** Checked against the run's registry by parseDeclared. */
const provider = () => text();

/** Checked against the run's registry by parseDeclared. */
const scheme = () => piece((v) => text().read(v) as SchemeId);

/** `-10m`, `+6m`, `30s`: a signed duration in ms. */
const offset = () =>
  piece((v) => {
    const m = /^([+-]?)(.+)$/.exec(string(v).trim());
    try {
      const ms = (m?.[1] === '-' ? -1 : 1) * parseDuration(m?.[2] ?? '');
      if (Math.abs(ms) <= MAX_OFFSET_MS) return ms;
    } catch {
      // refused below
    }
    return refuse('must be a duration like -10m or +6m, at most 100 years either way');
  });

/** `5s`, `250ms`: a duration in ms. */
const duration = () =>
  piece((v) => {
    try {
      return parseDuration(string(v));
    } catch {
      return refuse('must be a duration like 500ms, 5s or 2m');
    }
  });

/** What option declarations build their checks from. */
export const pieces = {
  text,
  number,
  int,
  oneOf,
  url,
  off,
  on,
  list,
  commaList,
  provider,
  scheme,
  offset,
  duration,
};
export type Pieces = typeof pieces;

/** Parses a command's options once, at the edge, into the shape the command works with. */
export function parseDeclared<F extends Flags>(
  flags: F,
  raw: Record<string, unknown>,
  registry: Registry = BUILTIN_REGISTRY,
): OptionsOf<F> {
  const options: Record<string, unknown> = {};
  for (const [key, declared] of Object.entries(flags)) {
    try {
      const value = declared.piece(pieces).read(raw[key]);
      if (value !== undefined) options[key] = value;
    } catch (error) {
      if (!(error instanceof Refused)) throw error;
      const name = /--[\w-]+/.exec(declared.flags)?.[0] ?? key;
      throw new UsageError(`${name}: ${error.message}`);
    }
  }
  const { provider, scheme } = options;
  if (typeof provider === 'string' && !registry.provider(provider))
    unknownName(
      '--provider',
      provider,
      registry.providers.map((p) => p.id),
    );
  if (typeof scheme === 'string' && !registry.hasScheme(scheme))
    unknownName(
      '--scheme',
      scheme,
      registry.schemes.map((s) => s.id),
    );
  return options as OptionsOf<F>;
}

/** A provider or scheme the registry does not have: the ones it has, and the one most like it. */
function unknownName(flag: string, given: string, names: readonly string[]): never {
  // Names are short: only a slip of a letter or two is a likely meant name (not "sap" for "mes").
  const [near] = closest(given, names, 1, (name) => Math.max(1, Math.floor(name.length / 3)));
  throw new UsageError(
    `${flag}: must be one of ${names.join(', ')}`,
    near ? `did you mean ${near}?` : undefined,
  );
}
