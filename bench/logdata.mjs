// Synthetic delivery logs for the log-query and replay cases: realistic records, ~750 bytes each.
import { closeSync, mkdirSync, openSync, writeSync } from 'node:fs';
import path from 'node:path';

const EVENTS = [
  'work_order.created',
  'work_order.started',
  'work_order.completed',
  'work_order.updated',
  'operation.started',
  'operation.completed',
  'quality.inspection_complete',
  'quality.ncr_created',
  'inventory.material_allocated',
  'inventory.material_consumed',
];

function record(i, url, sentOnly) {
  const event = EVENTS[i % EVENTS.length];
  const received = !sentOnly && i % 2 === 1;
  const body = JSON.stringify({
    id: `evt-${i}`,
    type: event,
    timestamp: '2026-01-01T00:00:00Z',
    data: { workOrder: { id: `wo-${i % 500}`, quantity: i % 300 } },
  });
  return {
    v: 1,
    deliveryId: `dlv_${i.toString(36).padStart(8, '0')}`,
    direction: received ? 'received' : 'sent',
    kind: received ? 'receive' : 'send',
    at: new Date(1767225600000 + i * 1000).toISOString(),
    provider: 'mes',
    event,
    eventId: `evt-${i}`,
    scheme: 'mes',
    attempt: 1,
    groupId: `dlv_${i.toString(36).padStart(8, '0')}`,
    request: {
      method: 'POST',
      url,
      headers: { 'content-type': 'application/json', 'x-mes-signature': 'a'.repeat(64) },
      body,
      bodyEncoding: 'utf8',
    },
    response: {
      status: 200,
      headers: { 'content-type': 'application/json' },
      body: '{"ok":true}',
      bodyEncoding: 'utf8',
    },
    status: i % 7 === 0 ? 500 : 200,
    ok: i % 7 !== 0,
    durationMs: 1.5,
  };
}

/** Writes `count` records to a JSONL log, in 1 MiB writes. */
export function writeLog(file, count, url, { sentOnly = false } = {}) {
  mkdirSync(path.dirname(file), { recursive: true });
  const fd = openSync(file, 'w', 0o600);
  let chunk = '';
  for (let i = 0; i < count; i++) {
    chunk += `${JSON.stringify(record(i, url, sentOnly))}\n`;
    if (chunk.length > 1 << 20) {
      writeSync(fd, chunk);
      chunk = '';
    }
  }
  writeSync(fd, chunk);
  closeSync(fd);
}
