import { logRecord } from '../../core/delivery-json.js';
import type { Feed } from '../../server/feed.js';
import { keptRecord, type History } from '../../server/history.js';
import type { Sink } from '../stream.js';

/**
 * The listener's WebSocket feed: what it received, and what the inspector sent again. A received
 * delivery goes out as the JSON its history keeps (large bodies as a preview), made once.
 */
export function feedSink(feed: Feed, history: History): Sink {
  return {
    accept(event) {
      if (event.type !== 'delivery' || feed.clients === 0) return;
      const { record } = event;
      if (event.role === 'resent')
        feed.broadcast({ type: 'resent', delivery: logRecord(keptRecord(record)) });
      else if (record.direction === 'received' && event.role !== 'echo') {
        const text = history.textOf(record.deliveryId) ?? JSON.stringify(logRecord(keptRecord(record)));
        feed.broadcastText(`{"type":"delivery","delivery":${text}}`);
      }
    },
  };
}
