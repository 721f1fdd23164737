import type { Context } from '../ui/context.js';

export const INTERRUPTED_EXIT_CODE = 130;

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

/** Runs `work` until it ends or Ctrl-C comes; true when it was cut short. */
export async function untilInterrupted(interrupt: Interrupt, work: Promise<unknown>): Promise<boolean> {
  const outcome = await Promise.race([work.then(() => 'done' as const), interrupt.stopped]);
  return outcome === 'stopped';
}

/** A sleep that Ctrl-C ends early. */
export function interruptibleSleep(interrupt: Interrupt, ms: number): Promise<void> {
  if (interrupt.aborted) return Promise.resolve();
  return new Promise((resolve) => {
    const timer = setTimeout(done, ms);
    function done() {
      clearTimeout(timer);
      interrupt.signal.removeEventListener('abort', done);
      resolve();
    }
    interrupt.signal.addEventListener('abort', done, { once: true });
  });
}
