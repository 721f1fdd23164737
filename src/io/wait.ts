/** The longest delay `setTimeout` takes; longer ones overflow and fire at once. */
export const MAX_TIMER_MS = 2 ** 31 - 1;

/**
 * Waits `ms`, however long, or until `signal` aborts: waits past the timer limit are split into
 * steps that fit it.
 */
export function longSleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise<void>((resolve) => {
    if (signal?.aborted) return resolve();
    let left = Math.max(0, ms);
    let timer: ReturnType<typeof setTimeout> | undefined;
    const done = () => {
      clearTimeout(timer);
      signal?.removeEventListener('abort', done);
      resolve();
    };
    const step = () => {
      if (left <= 0 && timer !== undefined) return done();
      const wait = Math.min(left, MAX_TIMER_MS);
      left -= wait;
      timer = setTimeout(step, wait);
    };
    signal?.addEventListener('abort', done, { once: true });
    step();
  });
}
