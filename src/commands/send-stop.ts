import type { Interrupt } from '../pipeline/interrupt.js';
import type { Context } from '../ui/context.js';

/** How long Ctrl-C waits, at most, for the answers to requests already written. */
export const STOP_GRACE_MS = 5_000;

export const SENDER_STOPPED = 'SENDER_STOPPED';

export interface GentleStop {
  /** Aborts when the wait is given up (a second Ctrl-C, or STOP_GRACE_MS): what is in flight is cut off. */
  readonly cutOff: AbortSignal;
  /** The run is over: no more waiting. */
  finished(): void;
}

/**
 * Ctrl-C during a run of sends stops new requests (the interrupt does that); a request already
 * written still has its answer waited for, as the receiver may well have acted on it, so that it is
 * logged and counted. A second Ctrl-C, or STOP_GRACE_MS, gives the wait up.
 */
export function stopGently(
  ctx: Context,
  interrupt: Interrupt,
  inFlight: () => number,
  note: (message: string) => Promise<unknown>,
): GentleStop {
  const cutOff = new AbortController();
  const over = new AbortController();
  void interrupt.stopped.then(async () => {
    const waiting = inFlight();
    if (waiting === 0 || over.signal.aborted) return;
    await note(
      `Stopping: waiting up to ${STOP_GRACE_MS / 1000} s for the answer to ${waiting} ${waiting === 1 ? 'request' : 'requests'} in flight (Ctrl-C again to stop waiting).`,
    );
    await Promise.race([ctx.waitForStop(), ctx.runtime.sleep(STOP_GRACE_MS, over.signal)]);
    if (!over.signal.aborted) cutOff.abort();
  });
  return { cutOff: cutOff.signal, finished: () => over.abort() };
}
