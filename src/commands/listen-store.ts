import type { DeliveryRecord } from '../core/delivery.js';
import type { DeliveryStore } from '../io/store.js';
import type { Listener } from '../server/listener.js';
import type { Context } from '../ui/context.js';

/**
 * With a shared database, a delivery is stored before it is answered: while the database is away
 * the listener answers 503 (the sender retries), and says so once, and once more when it is back.
 */
export function storeBeforeAnswer(ctx: Context, store: DeliveryStore) {
  /** Ids this listener stored, so the relay does not show them twice. */
  const mine = new Set<string>();
  let down = false;
  const persist = async (record: DeliveryRecord) => {
    mine.add(record.deliveryId);
    try {
      await store.append(record);
    } catch (error) {
      mine.delete(record.deliveryId);
      if (!down) {
        down = true;
        ctx.err(
          ctx.color.red(
            `The delivery database ${store.where} is unavailable (${(error as Error).message}); answering 503 until it is back.`,
          ),
        );
      }
      throw error;
    }
    if (down) {
      down = false;
      ctx.err(ctx.color.green(`The delivery database is back; storing and acknowledging deliveries again.`));
    }
  };
  return { persist, mine };
}

/** Puts deliveries other listeners stored on this listener's feed (and so its inspector). */
export async function relayOthers(
  ctx: Context,
  store: DeliveryStore,
  listener: Listener,
  mine: Set<string>,
  signal: AbortSignal,
): Promise<void> {
  try {
    for await (const record of await store.follow(signal)) {
      if (mine.delete(record.deliveryId)) continue;
      if (record.direction === 'received' && record.kind === 'receive')
        listener.feed.broadcast({ type: 'delivery', delivery: record });
    }
  } catch (error) {
    ctx.err(ctx.color.yellow(`Not following other listeners' deliveries: ${(error as Error).message}`));
  }
}
