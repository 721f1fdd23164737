import { logRecord } from '../core/delivery-json.js';
import type { DeliveryStore } from '../io/store.js';
import type { Listener } from '../server/listener.js';
import type { Context } from '../ui/context.js';

/**
 * Puts deliveries other listeners stored on this listener's feed (and so its inspector). Its own
 * are in its history before they are written, so they are not shown twice.
 */
export async function relayOthers(
  ctx: Context,
  store: DeliveryStore,
  listener: Listener,
  signal: AbortSignal,
): Promise<void> {
  try {
    for await (const record of await store.follow(signal)) {
      if (listener.history.has(record.deliveryId)) continue;
      if (record.direction === 'received' && record.kind === 'receive')
        listener.feed.broadcast({ type: 'delivery', delivery: logRecord(record) });
    }
  } catch (error) {
    ctx.err(ctx.color.yellow(`Not following other listeners' deliveries: ${(error as Error).message}`));
  }
}
