import type { CheckResult } from '../core/verify/index.js';
import type { JsonSchema } from '../schema/types.js';
import { invalidArbitrary, validArbitrary, type FastCheck } from './arbitrary.js';

/** How a receiver answered one delivery: a status, or no answer and why (code TIMEOUT: it never answered). */
export interface FuzzAnswer {
  status: number | null;
  durationMs: number;
  error?: { code: string; message: string };
}

/** Who the fuzzer talks to: it signs and sends, so the CLI and the testing kit each bring their own. */
export interface FuzzTarget {
  /** POSTs exactly this body, correctly signed, as this event. */
  send(event: string, body: string): Promise<FuzzAnswer>;
  /** A plain, valid delivery: is the receiver still up? */
  probe(): Promise<FuzzAnswer>;
}

export interface FuzzOptions {
  /** Generated payloads per property. */
  runs: number;
  seed: number;
  /** Across all properties; what is left when a property starts bounds it, shrinking included. */
  timeLimitMs: number;
  deadlineMs: number;
  events: readonly { name: string; schema: JsonSchema }[];
  monotonicMs: () => number;
  /** fast-check; loaded here, on first use, when not given. */
  fc?: FastCheck;
}

/** The minimal payload a failure shrank to, and how it was answered. */
export interface FuzzFailure {
  property: string;
  event: string;
  body: string;
  answer: FuzzAnswer;
  runs: number;
  shrinks: number;
}

export interface FuzzResult {
  check: CheckResult;
  failure?: FuzzFailure;
}

interface Sample {
  event: string;
  body: string;
}

const PROPERTIES = [
  {
    name: 'fuzz.valid',
    description: 'A valid, correctly signed payload is never answered 5xx or with a dropped connection',
    valid: true,
    // A timeout is the deadline property's failure, not this one's.
    holds: (a: FuzzAnswer) => (a.status === null ? a.error?.code === 'TIMEOUT' : a.status < 500),
    hint: 'a payload your schema allows must not crash the handler: treat optional fields as optional, accept long strings, unknown fields and enum values a vendor may add',
  },
  {
    name: 'fuzz.deadline',
    description: "A valid, correctly signed payload is answered within the provider's deadline",
    valid: true,
    holds: (a: FuzzAnswer, deadlineMs: number) =>
      a.status === null ? a.error?.code !== 'TIMEOUT' : a.durationMs <= deadlineMs,
    hint: 'answer 2xx at once and process later; find what makes this payload slow (a long string, a large array)',
  },
  {
    name: 'fuzz.invalid',
    description: 'A payload that breaks the schema is answered 4xx or 2xx, never 5xx or a dropped connection',
    valid: false,
    holds: (a: FuzzAnswer) =>
      a.status !== null && ((a.status >= 200 && a.status < 300) || (a.status >= 400 && a.status < 500)),
    hint: 'validate the payload and answer 400 (or accept and ignore it), instead of crashing',
  },
] as const;

export const FUZZ_CHECK_NAMES = [...PROPERTIES.map((p) => p.name), 'fuzz.alive'] as const;

const describeAnswer = (a: FuzzAnswer, deadlineMs?: number) =>
  a.status === null
    ? a.error?.code === 'TIMEOUT'
      ? 'no answer (timed out)'
      : `no answer: ${a.error?.message ?? 'connection dropped'}`
    : deadlineMs !== undefined && a.durationMs > deadlineMs
      ? `${a.status} after ${Math.round(a.durationMs)} ms (deadline ${deadlineMs} ms)`
      : `${a.status}`;

/**
 * Property-based fuzzing of a receiver: payloads generated from each event's schema, sent one at a
 * time (a slow receiver is never flooded), each failure shrunk by fast-check to a minimal payload.
 * Deterministic by seed: the same seed sends the same payloads in the same order.
 */
export async function runFuzz(target: FuzzTarget, options: FuzzOptions): Promise<FuzzResult[]> {
  const { events } = options;
  const fc = options.fc ?? (await import('fast-check'));
  const started = options.monotonicMs();
  // Each property gets an equal share of what is left, so one slow property cannot starve the next.
  const share = (remaining: number) =>
    Math.max(1, (options.timeLimitMs - (options.monotonicMs() - started)) / remaining);
  const arbitraryOf = (valid: boolean) =>
    fc.oneof(
      ...events.map((e) =>
        (valid ? validArbitrary(fc, e.schema) : invalidArbitrary(fc, e.schema)).map((payload): Sample => ({
          event: e.name,
          body: JSON.stringify(payload),
        })),
      ),
    );
  const arbitraries = { valid: arbitraryOf(true), invalid: arbitraryOf(false) };
  const downAfter: { sample: Sample; answer: FuzzAnswer }[] = [];
  let probes = 0;
  const results: FuzzResult[] = [];

  for (const property of PROPERTIES) {
    const begun = options.monotonicMs();
    let last: { sample: Sample; answer: FuzzAnswer } | undefined;
    let sent = 0;
    const details = await fc.check(
      fc.asyncProperty(property.valid ? arbitraries.valid : arbitraries.invalid, async (sample) => {
        const answer = await target.send(sample.event, sample.body);
        sent++;
        if (property.holds(answer, options.deadlineMs)) return true;
        last = { sample, answer };
        probes++;
        const probe = await target.probe();
        if (probe.status === null) downAfter.push({ sample, answer: probe });
        return false;
      }),
      {
        seed: options.seed,
        numRuns: options.runs,
        interruptAfterTimeLimit: share(PROPERTIES.length - results.length),
        markInterruptAsFailure: false,
      },
    );
    const durationMs = options.monotonicMs() - begun;
    const check = { name: property.name, description: property.description, durationMs };
    if (details.failed && last) {
      const failure: FuzzFailure = {
        property: property.name,
        event: last.sample.event,
        body: last.sample.body,
        answer: last.answer,
        runs: details.numRuns,
        shrinks: details.numShrinks,
      };
      results.push({
        failure,
        check: {
          ...check,
          status: 'fail',
          message: `${failure.event}: ${describeAnswer(last.answer, options.deadlineMs)} for a ${Buffer.byteLength(failure.body)}-byte body (found in run ${details.numRuns}, shrunk in ${details.numShrinks} steps, seed ${options.seed})`,
          hint: property.hint,
          evidence: [
            { sent: `POST ${failure.body}`, received: describeAnswer(last.answer, options.deadlineMs) },
          ],
        },
      });
    } else if (details.interrupted && details.numRuns === 0) {
      results.push({
        check: { ...check, status: 'skip', message: 'not run: the time limit was spent', evidence: [] },
      });
    } else if (details.failed) {
      // The property itself threw (not a receiver's answer): report it, never as a pass.
      results.push({
        check: {
          ...check,
          status: 'fail',
          message: `the fuzzer stopped: ${String(details.errorInstance)}`,
          evidence: [],
        },
      });
    } else {
      const stopped = details.interrupted ? `, stopped by the time limit after ${sent} deliveries` : '';
      results.push({
        check: {
          ...check,
          status: 'pass',
          message: `${details.numRuns} generated payloads held${stopped} (seed ${options.seed})`,
          evidence: [],
        },
      });
    }
  }

  const alive = downAfter[0];
  results.push({
    check: {
      name: 'fuzz.alive',
      description: 'The receiver stays up: a plain delivery after each failure is answered',
      status: alive ? 'fail' : 'pass',
      message: alive
        ? `the receiver stopped answering after a ${alive.sample.event} payload (${downAfter.length} of ${probes} probes unanswered)`
        : probes === 0
          ? 'no failure to probe after'
          : `answered all ${probes} probes sent after failures`,
      hint: alive ? 'one bad payload must not take the receiver down: catch errors per request' : undefined,
      evidence: alive ? [{ sent: `POST ${alive.sample.body}`, received: describeAnswer(alive.answer) }] : [],
      durationMs: 0,
    },
  });
  return results;
}
