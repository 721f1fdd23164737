import { logRecord } from '../../core/delivery-json.js';
import type { Feed } from '../../server/feed.js';
import type { Sink } from '../stream.js';

/** The listener's WebSocket feed: what it received, and what the inspector sent again. */
export function feedSink(feed: Feed): Sink {
  return {
    accept(event) {
      if (event.type !== 'delivery') return;
      if (event.role === 'resent') feed.broadcast({ type: 'resent', delivery: logRecord(event.record) });
      else if (event.record.direction === 'received' && event.role !== 'echo')
        feed.broadcast({ type: 'delivery', delivery: logRecord(event.record) });
    },
  };
}
