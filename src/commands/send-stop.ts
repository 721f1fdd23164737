import type { DeliveryRecord } from '../core/delivery.js';
import type { HttpClient } from '../io/http.js';
import type { Interrupt } from '../pipeline/interrupt.js';
import type { DeliveryStream } from '../pipeline/stream.js';
import type { Context } from '../ui/context.js';

/** How long Ctrl-C waits, at most, for the answers to requests already written. */
export const STOP_GRACE_MS = 5_000;

export const SENDER_STOPPED = 'SENDER_STOPPED';

interface GentleStop {
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
function stopGently(
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
    // Listened for before the note goes out: a second Ctrl-C right after it must not find Node's
    // default handler, which kills the process with nothing logged.
    const again = ctx.waitForStop();
    await note(
      `Stopping: waiting up to ${STOP_GRACE_MS / 1000} s for the answer to ${waiting} ${waiting === 1 ? 'request' : 'requests'} in flight (Ctrl-C again to stop waiting).`,
    );
    await Promise.race([again, ctx.runtime.sleep(STOP_GRACE_MS, over.signal)]);
    if (!over.signal.aborted) cutOff.abort();
  });
  return { cutOff: cutOff.signal, finished: () => over.abort() };
}

export interface SendStop {
  /** Aborts when what is in flight is cut off (a second Ctrl-C, or STOP_GRACE_MS). */
  readonly cutOff: AbortSignal;
  /** A record the cut-off left without an answer is logged as SENDER_STOPPED. */
  mark(record: DeliveryRecord): void;
  /** Waits for the run to end; true when Ctrl-C stopped it (exit 130), however far it had got. */
  until(work: Promise<void>): Promise<boolean>;
}

/**
 * Ctrl-C for `send` and `replay`: the interrupt stops new requests, the note says what is waited
 * for (through the stream, so a spinner ends first), and the cut-off ends every connection.
 */
export function stopSends(
  ctx: Context,
  interrupt: Interrupt,
  inFlight: () => number,
  stream: DeliveryStream,
  dispatcher: HttpClient,
): SendStop {
  const stop = stopGently(ctx, interrupt, inFlight, (message) => stream.emit({ type: 'note', message }));
  stop.cutOff.addEventListener('abort', () => void dispatcher.destroy(), { once: true });
  return {
    cutOff: stop.cutOff,
    mark(record) {
      if (stop.cutOff.aborted && record.status === null)
        record.error = {
          code: SENDER_STOPPED,
          message: `${record.request.url}: the run was stopped before an answer`,
        };
    },
    async until(work) {
      try {
        await work;
      } finally {
        stop.finished();
      }
      return interrupt.aborted;
    },
  };
}
