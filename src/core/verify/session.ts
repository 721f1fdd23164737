import type { CheckResult, Probe, VerifyContext } from './kit.js';
import { runChecks } from './run.js';

/** Checks that need the receiver to accept a correctly signed delivery. */
export const NEEDS_ACCEPTED: ReadonlySet<string> = new Set([
  'signature.raw-bytes',
  'signature.rotation',
  'timestamp.stale',
  'timestamp.future',
  'idempotency.acknowledged',
  'idempotency.processed-once',
  'ordering.out-of-order',
  'body.oversized',
  'deadline',
]);

/** The one correctly signed delivery sent before the checks: is anything there, and does it accept it? */
export function preflightProbe(ctx: VerifyContext): Probe {
  const first = ctx.build(ctx.primary);
  return {
    label: ctx.primary.name,
    body: first.body,
    headers: ctx.sign(first.body, { messageId: first.eventId }),
  };
}

export interface SessionOptions {
  /** The status the preflight delivery got. */
  preflightStatus: number;
  clock: () => number;
  onResult?: (result: CheckResult) => void;
  /** Where the secret came from and how to give the right one, for a receiver that refuses it. */
  secretHint: string;
}

/**
 * Runs the selected checks for `verify` and the testing kit alike. When the receiver refused a
 * correctly signed delivery (401/403), the secret is the likely cause: the checks that need an
 * accepted delivery would only blame the receiver's code for it, so they run only if
 * `signature.valid` passes after all, and are skipped otherwise.
 */
export async function runSession(
  ctx: VerifyContext,
  selected: readonly string[],
  options: SessionOptions,
): Promise<CheckResult[]> {
  const { preflightStatus, clock } = options;
  const onResult = options.onResult ?? (() => {});
  const secretSuspect = preflightStatus === 401 || preflightStatus === 403;
  const firstPass = secretSuspect ? selected.filter((name) => !NEEDS_ACCEPTED.has(name)) : selected;
  const results = await runChecks(ctx, firstPass, clock, (result) => {
    if (secretSuspect && result.name === 'signature.valid' && result.status === 'fail') {
      result.message = `correctly signed deliveries get ${preflightStatus}: the secret is the likely cause`;
      result.hint = options.secretHint;
    }
    onResult(result);
  });
  if (!secretSuspect) return results;
  const rest = selected.filter((name) => NEEDS_ACCEPTED.has(name));
  const valid = results.find((r) => r.name === 'signature.valid');
  if (valid && valid.status === 'pass') return [...results, ...(await runChecks(ctx, rest, clock, onResult))];
  for (const name of rest) {
    const skipped: CheckResult = {
      name,
      description: name,
      status: 'skip',
      message: 'skipped: it needs a delivery the receiver accepts (check the secret first)',
      evidence: [],
      durationMs: 0,
    };
    results.push(skipped);
    onResult(skipped);
  }
  return results;
}
