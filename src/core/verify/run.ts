import { globToRegExp } from '../query.js';
import { percentile } from '../stats.js';
import { CHECKS } from './checks/index.js';
import type { CheckOutcome, CheckResult, VerifyContext } from './kit.js';

const DEADLINE_CHECK = {
  name: 'deadline',
  description: "p95 answer time over the run stays under the platform's deadline",
};

export const CHECK_NAMES = [...CHECKS.map((c) => c.name), DEADLINE_CHECK.name];

export function selectChecks(only: readonly string[], skip: readonly string[]): string[] {
  const any = (patterns: readonly string[], name: string) => patterns.some((p) => globToRegExp(p).test(name));
  return CHECK_NAMES.filter((name) => (only.length === 0 || any(only, name)) && !any(skip, name));
}

/** Runs the selected checks in order; the deadline check judges the answer times of all the others. */
export async function runChecks(
  ctx: VerifyContext,
  selected: readonly string[],
  clock: () => number,
  onResult: (result: CheckResult) => void = () => {},
): Promise<CheckResult[]> {
  const timings: number[] = [];
  const timed: VerifyContext = {
    ...ctx,
    send: async (probe) => {
      const result = await ctx.send(probe);
      if (result.status !== null && Buffer.byteLength(probe.body) < ctx.oversizedBytes)
        timings.push(result.durationMs);
      return result;
    },
  };
  const results: CheckResult[] = [];
  const finish = (result: CheckResult) => {
    results.push(result);
    onResult(result);
  };
  for (const check of CHECKS) {
    if (!selected.includes(check.name)) continue;
    const started = clock();
    let outcome: CheckOutcome;
    try {
      outcome = await check.run(timed);
    } catch (error) {
      outcome = { status: 'fail', message: `could not run: ${(error as Error).message}`, evidence: [] };
    }
    finish({ name: check.name, description: check.description, durationMs: clock() - started, ...outcome });
  }
  if (selected.includes(DEADLINE_CHECK.name)) {
    const sorted = [...timings].sort((a, b) => a - b);
    const p95 = percentile(sorted, 95);
    const base = { ...DEADLINE_CHECK, durationMs: 0, evidence: [] };
    if (sorted.length === 0) finish({ ...base, status: 'skip', message: 'no answers to time' });
    else if (p95 <= ctx.deadlineMs)
      finish({
        ...base,
        status: 'pass',
        message: `p95 ${Math.round(p95)} ms over ${sorted.length} answers, under ${ctx.deadlineMs} ms`,
      });
    else {
      finish({
        ...base,
        status: 'fail',
        message: `p95 ${Math.round(p95)} ms over ${sorted.length} answers, over the ${ctx.deadlineMs} ms deadline`,
        hint: 'answer first, then process: queue the event and return 2xx at once',
      });
    }
  }
  return results;
}
