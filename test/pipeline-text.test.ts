import { describe, expect, it } from 'vitest';
import type { DeliveryRecord } from '../src/core/delivery.js';
import { deliveryJson, logLine } from '../src/core/delivery-json.js';
import { jsonLine } from '../src/pipeline/sinks/ndjson.js';
import type { DeliveryEvent } from '../src/pipeline/stream.js';
import { deliveryText, logText } from '../src/pipeline/text.js';
import { History, PREVIEW_CHARS } from '../src/server/history.js';
import { safeJsonLine } from '../src/ui/sanitize.js';

const base: DeliveryRecord = {
  v: 1,
  deliveryId: 'dlv_1',
  direction: 'received',
  kind: 'receive',
  at: '2026-11-23T01:00:00.000Z',
  provider: 'mes',
  event: 'work_order.created',
  eventId: 'evt-1',
  scheme: 'mes',
  attempt: 1,
  groupId: 'dlv_1',
  request: {
    method: 'POST',
    url: '/hooks?a="b"',
    headers: { 'content-type': 'application/json', 'x-odd': 'ü\u2028\u009b' },
    body: '{"id":"evt-1","note":"line\\nbreak \u2028 \u007f"}',
    bodyEncoding: 'utf8',
  },
  status: 200,
  ok: true,
  durationMs: 1.25,
  signature: { verdict: 'valid', reason: 'ok' },
};

const variants: DeliveryRecord[] = [
  base,
  {
    ...base,
    response: {
      status: 200,
      headers: { 'content-type': 'application/json' },
      body: '{}',
      bodyEncoding: 'utf8',
    },
    schema: { verdict: 'invalid', problems: [{ pointer: '/id', message: 'must be "x"' }] },
  },
  { ...base, kind: 'replay', parentId: 'dlv_0', status: null, ok: false, error: { code: 'E', message: 'm' } },
  {
    ...base,
    kind: 'forward',
    parentId: 'dlv_0',
    forward: { deliveryId: 'dlv_2', url: 'http://127.0.0.1:9/', status: null, durationMs: 3, error: 'old' },
    simulated: 'status 500',
  },
];

describe('a delivery serialised once for every sink', () => {
  it('makes the same log line as logLine, byte for byte', () => {
    for (const record of variants) expect(logText({ type: 'delivery', record })).toBe(logLine(record));
  });

  it('makes the same --json line as before, with or without extra fields', () => {
    for (const record of variants) {
      const plain: DeliveryEvent = { type: 'delivery', record };
      expect(jsonLine(plain)).toBe(safeJsonLine(deliveryJson(record)));
      const extra: DeliveryEvent = { type: 'delivery', record, extra: { step: 2, deliveryId: 'x' } };
      expect(jsonLine(extra)).toBe(safeJsonLine({ ...deliveryJson(record), step: 2, deliveryId: 'x' }));
    }
  });

  it('serialises an event once, however many times it is asked for', () => {
    const event: DeliveryEvent = { type: 'delivery', record: base };
    expect(deliveryText(event)).toBe(deliveryText(event));
    expect(logText(event).startsWith(deliveryText(event).slice(0, -1))).toBe(true);
  });

  it('keeps its texts out of what the event itself shows', () => {
    const event: DeliveryEvent = { type: 'delivery', record: base, role: 'resent' };
    const before = JSON.stringify(event);
    logText(event);
    expect(JSON.stringify(event)).toBe(before);
    expect(Object.keys(event)).toEqual(['type', 'record', 'role']);
    // A new event of the same record is serialised anew, not given another's texts.
    const changed: DeliveryEvent = { type: 'delivery', record: { ...base, status: 503 } };
    expect(logText(changed)).toContain('"status":503');
  });
});

describe('the history keeping a delivery as its log line', () => {
  it('gives back the same record, texts and values once sealed', () => {
    const history = new History();
    for (const record of variants.slice(0, 2)) {
      const id = `${record.deliveryId}-${record.status}`;
      const kept = { ...record, deliveryId: id, groupId: id };
      history.add(kept);
      const before = { record: history.get(id), text: history.textOf(id) };
      const sealed = new History();
      sealed.add(kept);
      sealed.seal(id, logLine(kept));
      expect(sealed.textOf(id)).toBe(before.text);
      expect(logLine(sealed.get(id)!)).toBe(logLine(before.record!));
      expect(sealed.values().map((r) => logLine(r))).toEqual([logLine(kept)]);
    }
  });

  it('does not seal a record kept as a preview: its text is not its log line', () => {
    const history = new History();
    const large: DeliveryRecord = {
      ...base,
      request: { ...base.request, body: 'x'.repeat(PREVIEW_CHARS + 1) },
    };
    history.add(large);
    history.seal(large.deliveryId, logLine(large));
    expect(JSON.parse(history.textOf(large.deliveryId)!).request.truncated).toBe(true);
  });
});
