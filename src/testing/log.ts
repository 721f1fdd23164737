import type { DeliveryKind, DeliveryRecord } from '../core/delivery.js';
import { DeliveryLog, logPath } from '../io/log.js';
import { newDeliveryId, systemRuntime } from '../io/runtime.js';
import { sentRecord } from '../io/sender.js';
import type { SentDelivery } from './event.js';
import type { Answer } from './transport.js';

/**
 * Write the kit's deliveries to the delivery log: `true` for the project's log
 * (`.mes-webhooks/deliveries.jsonl`, or under MES_WEBHOOKS_HOME), or a file path. Off when absent.
 */
export type LogOption = boolean | string | undefined;

export interface KitLog {
  record(
    sent: Pick<SentDelivery, 'provider' | 'eventId' | 'scheme' | 'body' | 'headers'> & {
      event: string | null;
    },
    answer: Answer,
    meta: { kind: Exclude<DeliveryKind, 'receive'>; at: Date; attempt?: number; previous?: DeliveryRecord },
  ): Promise<DeliveryRecord>;
  enabled: boolean;
  close(): Promise<void>;
}

/**
 * The kit's deliveries as `send` records them (the same record, through the same DeliveryLog), so
 * `logs`, `replay` and `retry` read them like any other. A log that cannot be written rejects: a
 * test that asked for the log should hear it.
 */
export function openKitLog(option: LogOption): KitLog {
  const file =
    option === true ? logPath(process.env, process.cwd()) : typeof option === 'string' ? option : undefined;
  const log = file ? new DeliveryLog(file) : undefined;
  return {
    enabled: log !== undefined,
    async record(sent, answer, meta) {
      const record = sentRecord(
        {
          kind: meta.kind,
          url: answer.url,
          headers: sent.headers,
          body: sent.body,
          provider: sent.provider,
          event: sent.event,
          eventId: sent.eventId,
          scheme: sent.scheme,
          attempt: meta.attempt ?? 1,
          ...(meta.previous ? { parentId: meta.previous.deliveryId, groupId: meta.previous.groupId } : {}),
        },
        {
          status: answer.status,
          headers: answer.headers,
          body: answer.body,
          durationMs: answer.durationMs,
          ...(answer.error ? { error: { code: answer.errorCode ?? 'NETWORK', message: answer.error } } : {}),
        },
        { deliveryId: newDeliveryId(systemRuntime), at: meta.at },
      );
      await log?.append(record);
      return record;
    },
    close: async () => log?.close(),
  };
}
