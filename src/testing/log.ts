import { isSuccess, recordBody, type DeliveryKind, type DeliveryRecord } from '../core/delivery.js';
import { DeliveryLog, logPath } from '../io/log.js';
import { newDeliveryId, systemRuntime } from '../io/runtime.js';
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

export function openKitLog(option: LogOption): KitLog {
  const file =
    option === true ? logPath(process.env, process.cwd()) : typeof option === 'string' ? option : undefined;
  const log = file ? new DeliveryLog(file) : undefined;
  return {
    enabled: log !== undefined,
    async record(sent, answer, meta) {
      const deliveryId = newDeliveryId(systemRuntime);
      const record: DeliveryRecord = {
        v: 1,
        deliveryId,
        direction: 'sent',
        kind: meta.kind,
        at: meta.at.toISOString(),
        provider: sent.provider,
        event: sent.event,
        eventId: sent.eventId,
        scheme: sent.scheme,
        attempt: meta.attempt ?? 1,
        ...(meta.previous ? { parentId: meta.previous.deliveryId } : {}),
        groupId: meta.previous?.groupId ?? deliveryId,
        request: { method: 'POST', url: answer.url, headers: sent.headers, ...recordBody(sent.body) },
        ...(answer.status === null
          ? {}
          : { response: { status: answer.status, headers: answer.headers, ...recordBody(answer.body) } }),
        status: answer.status,
        ok: isSuccess(answer.status),
        durationMs: Math.round(answer.durationMs * 1000) / 1000,
        ...(answer.error ? { error: { code: 'NETWORK', message: answer.error } } : {}),
      };
      await log?.append(record);
      return record;
    },
    close: async () => log?.close(),
  };
}
