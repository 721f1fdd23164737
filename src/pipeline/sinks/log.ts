import { DeliveryLog } from '../../io/log.js';
import type { DeliveryStream, Sink } from '../stream.js';

export const LOG_HINT = 'set MES_WEBHOOKS_HOME to a writable folder';

/**
 * Appends every delivery to the JSONL log; the producer waits until the record is written. A log
 * that cannot be written is one warning on the stream, then the run goes on without it.
 */
export function logSink(file: string, stream: DeliveryStream): Sink {
  const log = new DeliveryLog(file);
  let broken = false;
  return {
    accept(event) {
      if (event.type !== 'delivery' || broken) return;
      return log.append(event.record).catch((error: Error) => {
        if (broken) return;
        broken = true;
        void stream.emit({
          type: 'warning',
          message: `could not write the delivery log ${file}: ${error.message}`,
          hint: LOG_HINT,
        });
      });
    },
    close: () => log.close().catch(() => undefined),
  };
}
