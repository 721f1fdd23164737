import type { Context } from '../ui/context.js';

export { EXIT_INTERRUPTED as INTERRUPTED_EXIT_CODE } from '../ui/errors.js';

/** Ctrl-C during a run: `stopped` resolves at once, so a producer can race its work against it. */
export interface Interrupt {
  readonly stopped: Promise<'stopped'>;
  readonly aborted: boolean;
  readonly signal: AbortSignal;
}

export function watchInterrupt(ctx: Context): Interrupt {
  const controller = new AbortController();
  const stopped = ctx.waitForStop().then(() => {
    controller.abort();
    return 'stopped' as const;
  });
  return {
    stopped,
    get aborted() {
      return controller.signal.aborted;
    },
    signal: controller.signal,
  };
}

/** Thrown into a pool of work after Ctrl-C, so its loop ends instead of spinning through what is left. */
export class Stopped extends Error {}

/** Runs `work` until it ends or Ctrl-C comes; true when it was cut short. */
export async function untilInterrupted(interrupt: Interrupt, work: Promise<unknown>): Promise<boolean> {
  const ended = work.then(
    () => 'done' as const,
    (error: unknown) => {
      if (error instanceof Stopped) return 'stopped' as const;
      throw error;
    },
  );
  const outcome = await Promise.race([ended, interrupt.stopped]);
  return outcome === 'stopped';
}
