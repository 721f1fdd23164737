import { parseRetryAfter, runDelivery, type Outcome } from '../core/engine.js';
import type { DeliveryRecord } from '../core/delivery.js';
import type { Schedule } from '../core/providers/index.js';
import { resignDelivery } from '../core/redeliver.js';
import { parseSchedule, planAttempts } from '../core/schedule.js';
import type { EventName } from '../generated/catalog.js';
import { systemRuntime } from '../io/runtime.js';
import { DEV_SECRET } from '../io/config.js';
import { createFakeClock } from './clock.js';
import { makeDelivery, providerFor, registry, type EventOptions } from './event.js';
import { openKitLog, type LogOption } from './log.js';
import { openTarget, type FetchHandler, type Target } from './transport.js';

export interface SimulateRetriesOptions extends Omit<EventOptions, 'now' | 'tamper'> {
  /** A schedule, or a preset name or list as `retry --schedule` takes; the provider's when absent. */
  schedule?: Schedule | string;
  /**
   * The simulated clock: waits advance it, events are signed by it, and answer times are read from it.
   * Share it with the receiver (its `now` option) so timestamps agree. A fresh fake clock when absent.
   */
  clock?: { now(): number; sleep(ms: number): Promise<void> };
  /** An answer slower than this (by the clock) is a failure; the provider's deadline when absent. */
  deadlineMs?: number;
  maxAttempts?: number;
  path?: string;
  log?: LogOption;
}

export interface RetryAttempt {
  attempt: number;
  /** Simulated time of the attempt. */
  at: Date;
  /** Simulated ms since the first attempt. */
  offsetMs: number;
  /** Simulated ms waited before it (a Retry-After can lengthen the schedule's). */
  delayMs: number;
  status: number | null;
  outcome: Outcome;
  reason: string;
  durationMs: number;
  /** True for retries the platform makes after marking the delivery failed (MES: once a day). */
  afterMarkedFailed: boolean;
  /** What was sent: each retry re-signed with a fresh timestamp, as the platform does. */
  delivery: { body: string; headers: Record<string, string> };
  response: { headers: Record<string, string>; body: string };
}

/**
 * Plays the provider's retry rules against `target` with a fake clock: every attempt is a real
 * delivery, every wait is only a step of the clock. Ends at the first 2xx, a 410, or the schedule's end.
 */
export function simulateRetries(
  target: FetchHandler,
  event: EventName | string,
  options?: SimulateRetriesOptions,
): Promise<RetryAttempt[]>;
export function simulateRetries(
  target: Target,
  event: EventName | string,
  options?: SimulateRetriesOptions,
): Promise<RetryAttempt[]>;
export async function simulateRetries(
  target: Target,
  event: EventName | string,
  options: SimulateRetriesOptions = {},
): Promise<RetryAttempt[]> {
  const clock = options.clock ?? createFakeClock();
  const first = makeDelivery(event, { ...options, now: () => clock.now() });
  const provider = providerFor(first.provider);
  const schedule =
    typeof options.schedule === 'string'
      ? parseSchedule(options.schedule, Math.random, registry.schedules)
      : (options.schedule ?? provider.schedule);
  const plan = planAttempts(schedule, options.maxAttempts);
  const transport = await openTarget(target, { clock: () => clock.now() });
  const log = openKitLog(options.log);
  const attempts: RetryAttempt[] = [];
  let previous: DeliveryRecord | undefined;
  try {
    await runDelivery({
      plan,
      deadlineMs: options.deadlineMs ?? provider.deadlineMs,
      speed: 1,
      sleep: (ms) => clock.sleep(ms),
      clock: () => performance.now(),
      emit: (e) => {
        if (e.type !== 'attempt') return;
        const made = attempts[e.attempt - 1]!;
        Object.assign(made, {
          offsetMs: e.offsetMs,
          delayMs: e.delayMs,
          outcome: e.outcome,
          reason: e.reason,
        });
      },
      attempt: async (n) => {
        const at = new Date(clock.now());
        const sent =
          n === 1
            ? first
            : (() => {
                const again = resignDelivery({
                  body: Buffer.from(first.body),
                  headers: first.headers,
                  scheme: first.scheme,
                  provider: first.provider,
                  secret: options.secret ?? DEV_SECRET,
                  fresh: { now: at, uuid: systemRuntime.uuid },
                });
                const headers = { ...again.headers, ...provider.retryHeaders?.(n - 1) };
                return { ...first, body: again.body.toString('utf8'), headers };
              })();
        const answer = await transport.send({
          ...(options.path === undefined ? {} : { path: options.path }),
          headers: sent.headers,
          body: sent.body,
        });
        previous = await log.record(sent, answer, {
          kind: n === 1 ? 'send' : 'retry',
          at,
          attempt: n,
          ...(previous ? { previous } : {}),
        });
        attempts.push({
          attempt: n,
          at,
          offsetMs: 0,
          delayMs: 0,
          status: answer.status,
          outcome: 'failure',
          reason: '',
          durationMs: answer.durationMs,
          afterMarkedFailed: plan[n - 1]?.afterMarkedFailed ?? false,
          delivery: { body: sent.body, headers: sent.headers },
          response: { headers: answer.headers, body: answer.body.toString('utf8') },
        });
        return {
          status: answer.status,
          durationMs: answer.durationMs,
          retryAfterMs: parseRetryAfter(answer.headers['retry-after'], clock.now()),
          ...(answer.error ? { error: answer.error } : {}),
        };
      },
    });
  } finally {
    await transport.close();
    await log.close();
  }
  return attempts;
}
