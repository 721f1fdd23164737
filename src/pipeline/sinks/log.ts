import type { DeliveryStore } from '../../io/store.js';
import type { DeliveryStream, Sink } from '../stream.js';

export const LOG_HINT = 'set MES_WEBHOOKS_HOME to a writable folder';

export interface LogSinkOptions {
  /**
   * A producer that acknowledges deliveries (the listener) needs every record kept: each write is
   * tried, a failed one rejects `emit` so the delivery is answered 503, and the log is used again
   * once it can be written. Otherwise a log that cannot be written is one warning, then the run
   * goes on without it.
   */
  acknowledge?: boolean;
  /** Close the store with the stream: the sink opened it. */
  owned?: boolean;
}

/**
 * Appends every delivery to the store (the JSONL file or the database); the producer waits until
 * the record is durable, so the file and the database are one path for every producer.
 */
export function logSink(store: DeliveryStore, stream: DeliveryStream, options: LogSinkOptions = {}): Sink {
  const hint = store.shared ? 'check that the database is up and reachable' : LOG_HINT;
  let broken = false;
  const warn = (message: string, withHint = true) =>
    void stream.emit({ type: 'warning', message, ...(withHint ? { hint } : {}) });
  return {
    accept(event) {
      if (event.type !== 'delivery') return;
      if (broken && !options.acknowledge) return;
      return store.append(event.record).then(
        () => {
          if (!broken) return;
          broken = false;
          warn(`the delivery log ${store.where} can be written again; deliveries are acknowledged`, false);
        },
        (error: Error) => {
          if (!broken) {
            broken = true;
            warn(
              `could not write the delivery log ${store.where}: ${error.message}` +
                (options.acknowledge ? '; deliveries are answered 503 until it can be written' : ''),
            );
          }
          if (options.acknowledge) throw error;
        },
      );
    },
    close: () => (options.owned ? store.close().catch(() => undefined) : undefined),
  };
}
