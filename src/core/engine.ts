import type { PlannedAttempt } from './schedule.js';

export interface AttemptResult {
  status: number | null;
  durationMs: number;
  /** The Retry-After the receiver asked for, in ms. */
  retryAfterMs?: number;
  error?: string;
}

export type Outcome = 'success' | 'failure' | 'gone';

/** Success is 2xx within the deadline; 410 stops the delivery; anything else is a failure to retry. */
export function classify(result: AttemptResult, deadlineMs: number): { outcome: Outcome; reason: string } {
  if (result.status === null) return { outcome: 'failure', reason: result.error ?? 'no answer' };
  if (result.durationMs > deadlineMs) {
    return {
      outcome: 'failure',
      reason: `answered after ${Math.round(result.durationMs)} ms, over the ${deadlineMs} ms deadline`,
    };
  }
  if (result.status >= 200 && result.status < 300) return { outcome: 'success', reason: `${result.status}` };
  if (result.status === 410)
    return { outcome: 'gone', reason: '410 Gone: the endpoint asked not to be sent to again' };
  if (result.status >= 300 && result.status < 400)
    return { outcome: 'failure', reason: `${result.status}: redirects are not followed` };
  return { outcome: 'failure', reason: `${result.status}` };
}

/** Retry-After as seconds or an HTTP date, in ms from `nowMs`; undefined when absent or unreadable. */
export function parseRetryAfter(value: string | undefined, nowMs: number): number | undefined {
  if (!value) return undefined;
  if (/^\d+$/.test(value.trim())) return Number(value.trim()) * 1000;
  const date = Date.parse(value);
  return Number.isNaN(date) ? undefined : Math.max(0, date - nowMs);
}

export type EngineEvent =
  | {
      type: 'attempt';
      attempt: number;
      offsetMs: number;
      delayMs: number;
      result: AttemptResult;
      outcome: Outcome;
      reason: string;
    }
  | { type: 'wait'; nextAttempt: number; delayMs: number; realMs: number; retryAfter: boolean }
  | { type: 'marked-failed'; afterAttempt: number }
  | DoneEvent;

export interface DoneEvent {
  type: 'done';
  succeeded: boolean;
  /** The attempt that succeeded, if one did. */
  succeededOn: number | null;
  attempts: number;
  gone: boolean;
  markedFailed: boolean;
  simulatedMs: number;
  realMs: number;
}

export interface EngineOptions {
  plan: readonly PlannedAttempt[];
  deadlineMs: number;
  /** Every delay is divided by this. */
  speed: number;
  sleep(ms: number): Promise<void>;
  /** Real time in ms, for the real elapsed time. */
  clock(): number;
  attempt(attempt: number): Promise<AttemptResult>;
  emit(event: EngineEvent): void;
}

/** Plays a delivery's attempts against a receiver until one succeeds, it is gone, or the plan ends. */
export async function runDelivery(options: EngineOptions): Promise<DoneEvent> {
  const started = options.clock();
  let offset = 0;
  let markedFailed = false;
  let carriedRetryAfter = 0;
  let made = 0;
  let lastDelay = 0;
  let succeededOn: number | null = null;
  let gone = false;
  for (const planned of options.plan) {
    if (planned.attempt > 1) {
      if (planned.afterMarkedFailed && !markedFailed) {
        markedFailed = true;
        options.emit({ type: 'marked-failed', afterAttempt: made });
      }
      const delay = Math.max(planned.delayMs, carriedRetryAfter);
      const realMs = delay / options.speed;
      options.emit({
        type: 'wait',
        nextAttempt: planned.attempt,
        delayMs: delay,
        realMs,
        retryAfter: delay > planned.delayMs,
      });
      await options.sleep(realMs);
      offset += delay;
      lastDelay = delay;
    }
    const result = await options.attempt(planned.attempt);
    made = planned.attempt;
    const { outcome, reason } = classify(result, options.deadlineMs);
    options.emit({
      type: 'attempt',
      attempt: planned.attempt,
      offsetMs: offset,
      delayMs: lastDelay,
      result,
      outcome,
      reason,
    });
    carriedRetryAfter =
      (result.status === 429 || result.status === 503) && result.retryAfterMs ? result.retryAfterMs : 0;
    if (outcome === 'success') {
      succeededOn = planned.attempt;
      break;
    }
    if (outcome === 'gone') {
      gone = true;
      break;
    }
  }
  const done: DoneEvent = {
    type: 'done',
    succeeded: succeededOn !== null,
    succeededOn,
    attempts: made,
    gone,
    markedFailed: markedFailed || (succeededOn === null && !gone),
    simulatedMs: offset,
    realMs: options.clock() - started,
  };
  options.emit(done);
  return done;
}
