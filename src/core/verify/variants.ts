import type { HeaderVariant, Scheme } from '../schemes/types.js';

export type { HeaderVariant };

/**
 * Signature headers broken in the ways real clients break them: each must get a 4xx, never a 5xx.
 * A scheme's own folder knows its ways; a declared scheme is broken in the generic ones.
 */
export function malformedVariants(
  scheme: Scheme,
  valid: Record<string, string>,
  timestamp: number,
): HeaderVariant[] {
  if (scheme.malformed) return scheme.malformed(valid, timestamp);
  const header = scheme.headers[0]!;
  const value = valid[header] ?? '';
  const variant = (label: string, broken: string): HeaderVariant => ({
    label,
    headers: { ...valid, [header]: broken },
  });
  return [
    variant('truncated', value.slice(0, Math.max(1, Math.floor(value.length / 2)))),
    variant('not encoded', '!!!not-a-signature!!!'),
    variant('empty', ''),
  ];
}

/** The same JSON with keys in reverse order and indented: different bytes, same meaning. */
export function reformatted(payload: unknown): string {
  const reorder = (value: unknown): unknown => {
    if (Array.isArray(value)) return value.map(reorder);
    if (value && typeof value === 'object') {
      return Object.fromEntries(
        Object.keys(value)
          .reverse()
          .map((k) => [k, reorder((value as Record<string, unknown>)[k])]),
      );
    }
    return value;
  };
  return JSON.stringify(reorder(payload), null, 2);
}
