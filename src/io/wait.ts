/** The longest delay `setTimeout` takes; longer ones overflow and fire at once. */
export const MAX_TIMER_MS = 2 ** 31 - 1;

/** Waits `ms`, however long: waits past the timer limit are split into steps that fit it. */
export async function longSleep(ms: number): Promise<void> {
  let left = Math.max(0, ms);
  do {
    const step = Math.min(left, MAX_TIMER_MS);
    await new Promise<void>((resolve) => setTimeout(resolve, step));
    left -= step;
  } while (left > 0);
}
