import { setTimeout as sleep } from 'node:timers/promises';

/** The longest delay `setTimeout` takes; longer ones overflow and fire at once. */
export const MAX_TIMER_MS = 2 ** 31 - 1;

/** Waits `ms`, however long: waits past the timer limit are split into steps that fit it. */
export async function longSleep(ms: number, signal?: AbortSignal): Promise<void> {
  let left = Math.max(0, ms);
  do {
    const step = Math.min(left, MAX_TIMER_MS);
    await sleep(step, undefined, signal ? { signal } : undefined);
    left -= step;
  } while (left > 0);
}
