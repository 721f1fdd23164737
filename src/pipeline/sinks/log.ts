import { DeliveryLog } from '../../io/log.js';
import type { DeliveryStream, EmitOutcome, Sink } from '../stream.js';

export const LOG_HINT = 'set MES_WEBHOOKS_HOME to a writable folder';

/**
 * Appends every delivery to the JSONL log; the producer waits until the record is written. A log
 * that cannot be written is one warning on the stream, then the run goes on without it: every
 * later delivery resolves as unwritten, with the first reason.
 */
export function logSink(file: string, stream: DeliveryStream): Sink {
  const log = new DeliveryLog(file);
  let broken: EmitOutcome | undefined;
  const fail = (error: Error): EmitOutcome => {
    if (broken) return broken;
    broken = { unwritten: `the delivery log cannot be written (${error.message})` };
    void stream.emit({
      type: 'warning',
      message: `could not write the delivery log ${file}: ${error.message}`,
      hint: LOG_HINT,
    });
    return broken;
  };
  return {
    accept(event) {
      if (event.type !== 'delivery') return;
      if (broken) return Promise.resolve(broken);
      return log.append(event.record).then(() => undefined, fail);
    },
    // Opened before the first delivery: the file is 0600 from the start, and a log that cannot be
    // opened is known before anyone is answered.
    open: () => log.open().catch((error: Error) => void fail(error)),
    failure: () => broken?.unwritten,
    close: () => log.close().catch(() => undefined),
  };
}
