import { UsageError } from './errors.js';
import { checkDepth, MAX_PATH_INDEX } from './limits.js';

type Json = unknown;
type Container = Record<string, Json> | Json[];

const FORBIDDEN_KEYS = new Set(['__proto__', 'prototype', 'constructor']);

/** Splits `data.items[0].id` or `a["b.c"]` into keys and indices. */
export function parsePath(path: string): (string | number)[] {
  const segments: (string | number)[] = [];
  const re = /([^.[\]]+)|\[(\d+)\]|\["((?:[^"\\]|\\.)*)"\]|(\.)/gy;
  let expectKey = true;
  let index = 0;
  while (index < path.length) {
    re.lastIndex = index;
    const m = re.exec(path);
    if (!m)
      throw new UsageError(
        `cannot read the path "${path}" at character ${index + 1}`,
        undefined,
        'E_BAD_PATH',
      );
    index = re.lastIndex;
    if (m[4] !== undefined) {
      if (expectKey) throw new UsageError(`the path "${path}" has an empty segment`, undefined, 'E_BAD_PATH');
      expectKey = true;
      continue;
    }
    if (m[1] !== undefined && !expectKey)
      throw new UsageError(`cannot read the path "${path}"`, undefined, 'E_BAD_PATH');
    const segment = m[1] ?? (m[2] !== undefined ? Number(m[2]) : JSON.parse(`"${m[3]}"`));
    if (typeof segment === 'number' && segment > MAX_PATH_INDEX) {
      throw new UsageError(
        `the path "${path}" names index ${m[2]}; the highest index taken is ${MAX_PATH_INDEX}`,
        undefined,
        'E_BAD_PATH',
      );
    }
    if (typeof segment === 'string' && FORBIDDEN_KEYS.has(segment)) {
      throw new UsageError(
        `the path "${path}" names "${segment}", which cannot be set`,
        undefined,
        'E_BAD_PATH',
      );
    }
    segments.push(segment);
    expectKey = false;
  }
  if (segments.length === 0 || expectKey)
    throw new UsageError(`the path "${path}" is empty or ends in a dot`, undefined, 'E_BAD_PATH');
  return segments;
}

/**
 * The value of `--set path=value`: JSON when it parses, otherwise the text as a string. Its errors
 * name no flag: the caller names `--set` once.
 */
export function parseSetValue(text: string): Json {
  let value: Json;
  try {
    value = JSON.parse(text);
  } catch {
    return text;
  }
  // Depth first: the number check below walks the value recursively.
  checkDepth(value, 'the value');
  const lost = lossyNumber(text, value);
  if (lost !== undefined) {
    throw new UsageError(
      `the value ${text} holds ${lost}`,
      'quote it to send a string, e.g. --set \'path="12345678901234567890"\'',
    );
  }
  return value;
}

const STRING_LITERAL = /"(?:[^"\\]|\\.)*"/g;
const INTEGER_LITERAL = /(?<![\d.eE+-])-?\d+(?![\d.eE])/g;

/** Why a number would not reach the receiver as written: JSON has no Infinity, and integers end at 2^53. */
function lossyNumber(text: string, value: Json): string | undefined {
  if (!allFinite(value)) return 'a number too large for JSON (it would be sent as null)';
  // Integers are judged as written (outside strings): 2^53 + 1 parses to a different number.
  const written = text.replace(STRING_LITERAL, '""').match(INTEGER_LITERAL) ?? [];
  if (written.some((literal) => !Number.isSafeInteger(Number(literal))))
    return 'an integer beyond 2^53, which JSON numbers cannot carry exactly';
  return undefined;
}

function allFinite(value: Json): boolean {
  if (typeof value === 'number') return Number.isFinite(value);
  if (typeof value === 'object' && value !== null) return Object.values(value).every(allFinite);
  return true;
}

/** Splits `path=value` at the first `=`. */
export function parseAssignment(assignment: string): { path: (string | number)[]; value: Json } {
  const eq = assignment.indexOf('=');
  if (eq <= 0)
    throw new UsageError(
      `"${assignment}" is not path=value`,
      'e.g. data.workOrder.quantity=250',
      'E_BAD_ASSIGNMENT',
    );
  return { path: parsePath(assignment.slice(0, eq)), value: parseSetValue(assignment.slice(eq + 1)) };
}

const isPlainObject = (v: Json): v is Record<string, Json> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);

/** Returns a copy of `target` with the value at `path` replaced, creating objects and arrays on the way. */
export function setPath<T>(target: T, path: readonly (string | number)[], value: Json): T {
  const [head, ...rest] = path;
  if (head === undefined) return value as T;
  const base: Container = Array.isArray(target)
    ? [...target]
    : isPlainObject(target as Json)
      ? { ...(target as Record<string, Json>) }
      : typeof head === 'number'
        ? []
        : {};
  if (Array.isArray(base)) {
    if (typeof head !== 'number')
      throw new UsageError(`"${head}" is not an index into an array`, undefined, 'E_BAD_PATH');
    base[head] = setPath(base[head], rest, value);
  } else {
    Object.defineProperty(base, String(head), {
      value: setPath(base[String(head)], rest, value),
      enumerable: true,
      writable: true,
      configurable: true,
    });
  }
  return base as T;
}

/** Deep merge as `--data` applies a file: objects merge key by key; arrays and scalars replace. */
export function deepMerge(base: Json, patch: Json): Json {
  if (!isPlainObject(base) || !isPlainObject(patch)) return patch;
  const out: Record<string, Json> = { ...base };
  for (const [key, value] of Object.entries(patch)) {
    if (FORBIDDEN_KEYS.has(key)) continue;
    out[key] = deepMerge(base[key], value);
  }
  return out;
}
