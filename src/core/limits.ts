import { UsageError } from './errors.js';

/** Deepest JSON taken from the user (data files, set values): deeper would overflow the stack later. */
export const MAX_JSON_DEPTH = 256;
/** Highest array index a set path may name: an index makes the array that long. */
export const MAX_PATH_INDEX = 10_000;
/** The widest clock skew a timestamp offset takes: 100 years either way. */
export const MAX_OFFSET_MS = 100 * 365.25 * 86_400_000;

/** How deeply a parsed JSON value nests, counted without recursion, stopping once past `limit`. */
export function jsonDepth(value: unknown, limit = MAX_JSON_DEPTH): number {
  let deepest = 0;
  const stack: [unknown, number][] = [[value, 1]];
  while (stack.length > 0) {
    const [node, depth] = stack.pop()!;
    if (typeof node !== 'object' || node === null) continue;
    if (depth > deepest) deepest = depth;
    if (deepest > limit) return deepest;
    for (const child of Object.values(node)) stack.push([child, depth + 1]);
  }
  return deepest;
}

/** Throws a usage error when `value` nests deeper than the limit. */
export function checkDepth(value: unknown, what: string): unknown {
  if (jsonDepth(value) > MAX_JSON_DEPTH) {
    throw new UsageError(`${what} nests deeper than ${MAX_JSON_DEPTH} levels`, undefined, 'E_TOO_DEEP');
  }
  return value;
}
