import type { Scheme, VerifyInput } from './types.js';

/** Tolerance in force for one verification: the caller's choice, else the scheme's. */
export function toleranceOf(scheme: Scheme, input: VerifyInput): number | null {
  return input.toleranceSec === undefined ? scheme.toleranceSec : input.toleranceSec;
}

/**
 * `both`: too old or too far ahead is refused (Standard Webhooks, Tracktile's sample);
 * `age`: only too old is refused, as Stripe-style verifiers do.
 */
export type ToleranceDirection = 'both' | 'age';

export function timestampProblem(
  timestamp: number,
  now: number,
  toleranceSec: number | null,
  direction: ToleranceDirection = 'both',
): string | undefined {
  if (toleranceSec === null) return undefined;
  const skew = now - timestamp;
  if (skew > toleranceSec) return `timestamp is ${skew} s old, over the ${toleranceSec} s tolerance`;
  if (direction === 'both' && -skew > toleranceSec)
    return `timestamp is ${-skew} s in the future, over the ${toleranceSec} s tolerance`;
  return undefined;
}

/** The rule a valid verdict was given under, said in its reason. */
export function ruleNote(toleranceSec: number | null, direction: ToleranceDirection): string {
  if (toleranceSec === null) return 'signature matches (timestamp not checked)';
  return direction === 'both'
    ? `signature matches; timestamp within ${toleranceSec} s either way`
    : `signature matches; timestamp at most ${toleranceSec} s old (age-only rule, future not limited)`;
}
