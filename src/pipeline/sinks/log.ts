import type { DeliveryStore } from '../../io/store.js';
import type { DeliveryStream, EmitOutcome, Sink } from '../stream.js';
import { logText } from '../text.js';

export const LOG_HINT = 'set MES_WEBHOOKS_HOME to a writable folder';

export interface LogSinkOptions {
  /**
   * A producer that acknowledges deliveries (the listener) needs every record kept: each write is
   * tried, even after a failure, because a database (or a folder) can come back; a failed one
   * resolves as unwritten (answered 503). Otherwise a log that cannot be written is one warning,
   * then the run goes on without it.
   */
  acknowledge?: boolean;
  /** Close the store with the stream: the sink opened it. */
  owned?: boolean;
}

/**
 * Appends every delivery to the store (the JSONL file or the database); the producer waits until
 * the record is durable, and learns from `emit` which records could not be kept and why. One
 * warning when the log goes down, one when it is back.
 */
export function logSink(store: DeliveryStore, stream: DeliveryStream, options: LogSinkOptions = {}): Sink {
  const hint = store.shared ? 'check that the database is up and reachable' : LOG_HINT;
  /** Set while the log cannot be written: the first reason. */
  let down: EmitOutcome | undefined;
  /** The log could not even be opened: known before the first delivery. */
  let unopened = false;
  const warn = (message: string, withHint = true) =>
    void stream.emit({ type: 'warning', message, ...(withHint ? { hint } : {}) });
  const fail = (error: Error): EmitOutcome => {
    const outcome = { unwritten: `the delivery log cannot be written (${error.message})` };
    if (down) return options.acknowledge ? outcome : down;
    down = outcome;
    warn(
      `could not write the delivery log ${store.where}: ${error.message}` +
        (options.acknowledge ? '; deliveries are answered 503 until it can be written' : ''),
    );
    return outcome;
  };
  const written = () => {
    if (!down) return undefined;
    down = undefined;
    unopened = false;
    warn(`the delivery log ${store.where} can be written again; deliveries are acknowledged`, false);
    return undefined;
  };
  let appended: Promise<void> | undefined;
  let outcome: Promise<EmitOutcome | undefined> | undefined;
  return {
    accept(event) {
      if (event.type !== 'delivery') return;
      if (down && !options.acknowledge) return Promise.resolve(down);
      const pending = store.append(event.record, logText(event));
      // The file log settles a whole batch at once: one outcome for all of its records.
      if (pending !== appended) {
        appended = pending;
        outcome = pending.then(written, fail);
      }
      return outcome;
    },
    acceptAll(events) {
      const records = events.flatMap((event) => (event.type === 'delivery' ? [event.record] : []));
      if (records.length === 0) return;
      if (down && !options.acknowledge) return Promise.resolve(down);
      const appended = store.appendAll
        ? store.appendAll(records)
        : Promise.all(records.map((record) => store.append(record)));
      return appended.then(written, fail);
    },
    // Opened before the first delivery: the file is 0600 from the start, and a log that cannot be
    // opened is known before anyone is answered.
    open: async () => {
      await store.open?.().catch((error: Error) => {
        fail(error);
        unopened = true;
      });
    },
    // A listener refuses up front only for a log that could not be opened; one that failed a
    // write is tried again with each delivery, so it is used as soon as it is back.
    failure: () => (options.acknowledge && !unopened ? undefined : down?.unwritten),
    close: () => (options.owned ? store.close().catch(() => undefined) : undefined),
  };
}
