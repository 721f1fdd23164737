import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { buildEvent, deliveryHeaders } from '../src/core/build.js';
import { createCatalog } from '../src/core/catalog.js';
import { deepMerge, parseAssignment, parsePath, setPath } from '../src/core/overrides.js';
import { loadFixtures } from '../src/io/fixtures.js';
import { vendorVerifiers } from './helpers/vendor-verifiers.js';

const catalog = createCatalog(await loadFixtures());
const now = new Date('2026-03-04T05:06:07.890Z');
let counter = 0;
const fresh = { now, uuid: () => `00000000-0000-4000-8000-${String(++counter).padStart(12, '0')}` };

describe('dot paths', () => {
  it('reads dots, indices and quoted keys', () => {
    expect(parsePath('data.workOrder.quantity')).toEqual(['data', 'workOrder', 'quantity']);
    expect(parsePath('data.items[2].id')).toEqual(['data', 'items', 2, 'id']);
    expect(parsePath('a["b.c"].d')).toEqual(['a', 'b.c', 'd']);
  });

  it.each(['', 'a..b', 'a.', '.a', 'a[x]', 'a.__proto__.x', 'constructor.prototype'])(
    'rejects %j',
    (path) => {
      expect(() => parsePath(path)).toThrow();
    },
  );

  it('parses values as JSON, falling back to text', () => {
    expect(parseAssignment('a.b=250')).toEqual({ path: ['a', 'b'], value: 250 });
    expect(parseAssignment('a="DONE"')).toEqual({ path: ['a'], value: 'DONE' });
    expect(parseAssignment('a=DONE')).toEqual({ path: ['a'], value: 'DONE' });
    expect(parseAssignment('a={"x":[1,2]}')).toEqual({ path: ['a'], value: { x: [1, 2] } });
    expect(parseAssignment('a=x=y')).toEqual({ path: ['a'], value: 'x=y' });
    expect(() => parseAssignment('=1')).toThrow(/path=value/);
  });

  it('sets without touching the original, creating what is missing', () => {
    const original = { a: { b: 1 }, list: [{ id: 1 }] };
    const changed = setPath(original, ['a', 'c', 'd'], true);
    expect(changed).toEqual({ a: { b: 1, c: { d: true } }, list: [{ id: 1 }] });
    expect(original).toEqual({ a: { b: 1 }, list: [{ id: 1 }] });
    expect(setPath(original, ['list', 0, 'id'], 9)).toEqual({ a: { b: 1 }, list: [{ id: 9 }] });
    expect(setPath({}, ['x', 1], 'y')).toEqual({ x: [undefined, 'y'] });
  });

  it('deep-merges objects and replaces arrays, ignoring __proto__', () => {
    expect(deepMerge({ a: { b: 1, c: 2 }, l: [1, 2] }, { a: { c: 3 }, l: [9] })).toEqual({
      a: { b: 1, c: 3 },
      l: [9],
    });
    const merged = deepMerge({}, JSON.parse('{"__proto__":{"polluted":true}}')) as Record<string, unknown>;
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    expect(merged.polluted).toBeUndefined();
  });

  it('setPath then reading the path gives the value back (property)', () => {
    const key = fc.stringMatching(/^[a-z][a-zA-Z0-9_]{0,8}$/);
    fc.assert(
      fc.property(fc.array(key, { minLength: 1, maxLength: 5 }), fc.jsonValue(), (keys, value) => {
        const result = setPath({ keep: 1 }, parsePath(keys.join('.')), value) as Record<string, unknown>;
        let cursor: unknown = result;
        for (const k of keys) cursor = (cursor as Record<string, unknown>)[k];
        return JSON.stringify(cursor) === JSON.stringify(value) && (keys[0] === 'keep' || result.keep === 1);
      }),
    );
  });
});

describe('building events', () => {
  it('gives MES events a new id and the current ISO timestamp', () => {
    const built = buildEvent(catalog.find('work_order.created'), { fresh });
    expect(built.payload.id).toMatch(/^evt-[0-9a-f]{20}$/);
    expect(built.payload.timestamp).toBe('2026-03-04T05:06:07Z');
    expect(built.eventId).toBe(built.payload.id);
    expect(built.payload.data).toEqual(catalog.find('work_order.created').payload.data);
  });

  it('gives Tracktile events id, time and transactionId; Betterez id, attemptId and unix created', () => {
    const tt = buildEvent(catalog.find('inventory.received'), { fresh }).payload;
    expect(tt.id).toMatch(/^[0-9a-f-]{36}$/);
    expect(tt.time).toBe('2026-03-04T05:06:07Z');
    expect(tt.transactionId).toMatch(/^txn_/);
    expect(tt.flowId).toBe('flow_123');
    const bz = buildEvent(catalog.find('operationmessage.created'), { fresh }).payload;
    expect(bz.created).toBe(Math.floor(now.getTime() / 1000));
    expect(bz.attemptId).not.toBe('84d56438-d39c-4598-bf79-1b4cdd02da24');
    expect(bz.id).not.toBe(bz.attemptId);
  });

  it('gives Katana events no id', () => {
    const built = buildEvent(catalog.find('sales_order.delivered'), { fresh });
    expect(built.eventId).toBeUndefined();
    expect(built.payload).toEqual(catalog.find('sales_order.delivered').payload);
  });

  it('applies --data, then --set, and sends compact JSON', () => {
    const built = buildEvent(catalog.find('work_order.created'), {
      fresh,
      data: { data: { workOrder: { product: 'Gear', extra: [1] } } },
      sets: [parseAssignment('data.workOrder.quantity=250'), parseAssignment('data.workOrder.extra[1]=2')],
    });
    expect(built.payload.data).toEqual({
      workOrder: {
        id: 'wo-123',
        orderNumber: 'WO-2024-001',
        product: 'Gear',
        quantity: 250,
        dueDate: '2024-01-25T00:00:00Z',
        extra: [1, 2],
      },
    });
    expect(built.body).toBe(JSON.stringify(built.payload));
    expect(built.body).not.toMatch(/\n| {2}/);
  });

  it("signs every event so that the vendor's own documented verification accepts it", () => {
    const secret = 'whsec_bWVzLXdlYmhvb2tzLWRldi1zZWNyZXQh';
    for (const def of catalog.events) {
      const built = buildEvent(def, { fresh });
      const base = { secret, now, messageId: built.eventId ?? 'msg_1', userAgent: 'test' };
      const headers = deliveryHeaders(built.body, { ...base, scheme: def.provider as 'mes' });
      expect(headers['content-type']).toBe('application/json');
      expect(vendorVerifiers[def.provider]!(headers, Buffer.from(built.body), secret)).toBe(true);
      const standard = deliveryHeaders(built.body, { ...base, scheme: 'standard' });
      expect(vendorVerifiers.standard!(standard, Buffer.from(built.body), secret)).toBe(true);
    }
  });

  it('refuses to sign standard with a secret that is not a whsec_ key', () => {
    expect(() =>
      deliveryHeaders('{}', { scheme: 'standard', secret: 'plain', now, messageId: 'm', userAgent: 't' }),
    ).toThrow(/whsec_/);
  });
});
