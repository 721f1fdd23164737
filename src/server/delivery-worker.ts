import { parentPort, workerData } from 'node:worker_threads';
import { systemRuntime } from '../io/runtime.js';
import { deliveryText, logText } from '../pipeline/text.js';
import { examine, type ExamineOptions } from './examine.js';
import type { Examination, WorkBatch } from './offload.js';
import { keptRecord } from './history.js';
import { answerOf, settle, type Respondent } from './received.js';

// The listener's deliveries, examined on a thread of their own (see offload.ts): verification,
// the record, its schema verdict and its texts. Pure work: nothing here writes or answers.
const options: ExamineOptions = {
  ...(workerData as Omit<ExamineOptions, 'runtime'>),
  runtime: systemRuntime,
};
/** The answer is planned as if it goes out: the listener redoes the record if it cannot. */
const THERE: Respondent = { gone: () => false, send: () => undefined, drop: () => undefined };
const port = parentPort!;

port.on('message', (batch: WorkBatch) => {
  const all = Buffer.from(batch.bytes);
  const out: Examination[] = [];
  for (const item of batch.items) {
    try {
      const bytes = all.subarray(item.start, item.end);
      const { record, reply } = examine(options, item.arrival, bytes, new Date(item.arrived));
      const answer = answerOf(THERE, reply);
      settle(record, answer, systemRuntime.monotonicMs() - item.started);
      const event = { type: 'delivery', record } as const;
      // The JSON line is the start of the log line (see text.ts): only its length goes back.
      const json = deliveryText(event);
      out.push({
        id: item.id,
        deliveryId: record.deliveryId,
        status: reply.status,
        type: reply.type,
        body: reply.body as string,
        log: logText(event),
        jsonLength: json.length,
        whole: keptRecord(record) === record,
      });
    } catch {
      // The listener takes this one itself, and meets the same failure where it is handled.
      out.push({ id: item.id });
    }
  }
  port.postMessage(out);
});
port.postMessage('ready');
