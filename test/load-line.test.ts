import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { presetLine, sentLine } from '../src/commands/load-line.js';
import { recordBody, type DeliveryRecord } from '../src/core/delivery.js';
import { logLine, logRecord } from '../src/core/delivery-json.js';
import { isoTime } from '../src/core/delivery.js';
import { sentRecord, type Outgoing } from '../src/io/sender.js';

/** Text with what JSON escapes: quotes, backslashes, control characters, lone surrogates, emoji. */
const text = fc.string({
  unit: fc.constantFrom('a', '"', '\\', '\n', '\u0001', '\ud800', '\udc00', '😀', 'é', '/'),
});
const headers = fc.dictionary(fc.stringMatching(/^[a-z-]{1,12}$/), text, { maxKeys: 5 });

const outgoing: fc.Arbitrary<Outgoing> = fc.record({
  kind: fc.constant('send' as const),
  url: fc.webUrl(),
  headers,
  body: text,
  provider: fc.option(text),
  event: fc.option(text),
  eventId: fc.option(text),
  scheme: fc.constantFrom('mes', 'katana', 'standard', null),
});

const answer = fc.record({
  status: fc.option(fc.integer({ min: 100, max: 599 })),
  headers,
  body: fc.oneof(
    text.map((t) => Buffer.from(t)),
    fc.uint8Array({ maxLength: 20 }).map((b) => Buffer.from(b)),
  ),
  durationMs: fc.oneof(fc.double({ min: 0, max: 1e6, noNaN: true }), fc.constant(0)),
  error: fc.option(fc.record({ code: fc.constantFrom('TIMEOUT', 'NETWORK'), message: text }), {
    nil: undefined,
  }),
});

describe('the log line of a load run', () => {
  it('is byte for byte the line the log would make of the record', () => {
    fc.assert(
      fc.property(outgoing, answer, fc.date({ noInvalidDate: true }), (out, got, at) => {
        const record = sentRecord(out, got, { deliveryId: 'dlv_abc123', at });
        expect(record.at).toBe(at.toISOString());
        const expected = JSON.stringify(logRecord(record));
        const escaped = JSON.stringify(record.request.body).slice(1, -1);
        expect(sentLine(record, escaped)).toBe(expected);
        presetLine(record, escaped);
        expect(logLine(record)).toBe(expected);
        // A copy made by spreading is serialized afresh, never with the original's line.
        expect(logLine({ ...record, status: 299 })).toBe(
          JSON.stringify(logRecord({ ...record, status: 299 })),
        );
      }),
      { numRuns: 300 },
    );
  });

  it('stamps records with the time as toISOString writes it, within a second and across seconds', () => {
    fc.assert(
      fc.property(fc.date({ noInvalidDate: true }), fc.integer({ min: -1500, max: 1500 }), (at, step) => {
        const next = new Date(at.getTime() + step);
        if (Number.isNaN(next.getTime())) return;
        expect(isoTime(at)).toBe(at.toISOString());
        expect(isoTime(next)).toBe(next.toISOString());
      }),
      { numRuns: 500 },
    );
  });

  it('is left to the full serialization for records a send does not make', () => {
    const base = sentRecord(
      {
        kind: 'send',
        url: 'http://x/',
        headers: {},
        body: '{}',
        provider: 'mes',
        event: 'e',
        eventId: null,
        scheme: 'mes',
      },
      { status: 200, headers: {}, body: Buffer.from('ok'), durationMs: 1 },
      { deliveryId: 'dlv_1', at: new Date(0) },
    );
    const others: DeliveryRecord[] = [
      { ...base, parentId: 'dlv_0', kind: 'retry' },
      { ...base, signature: { verdict: 'valid', reason: '' } },
      { ...base, simulated: 'slow' },
      { ...base, request: { ...base.request, ...recordBody(new Uint8Array([0xff])) } },
    ];
    for (const record of others) expect(sentLine(record, '{}')).toBeUndefined();
  });
});
