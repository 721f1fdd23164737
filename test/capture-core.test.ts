import { describe, expect, it } from 'vitest';
import { driftLines, driftOf } from '../src/core/capture/drift.js';
import {
  captureDelivery,
  CaptureRefusal,
  freshPointers,
  type CapturedDelivery,
} from '../src/core/capture/fixture.js';
import { pointerToDotPath } from '../src/core/capture/pointer.js';
import { defaultKind, Faker, redact } from '../src/core/capture/redact.js';
import { findLinks, scenarioFor, templateFor } from '../src/core/capture/scenario.js';
import type { DeliveryRecord } from '../src/core/delivery.js';
import { BUILTIN_REGISTRY } from '../src/core/registry.js';
import { drawVars } from '../src/core/scenario.js';

const provider = (id: string) => BUILTIN_REGISTRY.provider(id)!;

function record(body: string, more: Partial<DeliveryRecord> = {}): DeliveryRecord {
  return {
    v: 1,
    deliveryId: 'dlv_1',
    direction: 'received',
    kind: 'receive',
    at: '2025-11-20T09:00:00.000Z',
    provider: null,
    event: null,
    eventId: null,
    scheme: null,
    attempt: 1,
    groupId: 'g1',
    request: { method: 'POST', url: '/', headers: {}, body, bodyEncoding: 'utf8' },
    status: 200,
    ok: true,
    durationMs: 1,
    ...more,
  };
}

describe('redaction', () => {
  it('recognises emails, phone numbers and tokens by value or key, and leaves the rest', () => {
    expect(defaultKind('contact', 'a.b@c.io')).toBe('email');
    expect(defaultKind('phone', '(020) 7946-0958')).toBe('phone');
    expect(defaultKind('note', '+44 20 7946 0958')).toBe('phone');
    expect(defaultKind('quantity', '1234567')).toBeUndefined();
    expect(defaultKind('apiKey', 'anything')).toBe('token');
    expect(defaultKind('x', 'sk_live_abcdefgh1234')).toBe('token');
    expect(defaultKind('x', 'eyJhbGciOi.eyJzdWIi.c2lnbmF0dXJl')).toBe('token');
    expect(defaultKind('orderNumber', 'WO-2025-0042')).toBeUndefined();
    expect(defaultKind('email', 42)).toBeUndefined();
  });

  it('gives the same fake for the same input and different fakes for different inputs', () => {
    const faker = new Faker();
    const a = faker.fake('jane@acme.io', 'email');
    expect(faker.fake('jane@acme.io', 'email')).toBe(a);
    expect(faker.fake('john@acme.io', 'email')).not.toBe(a);
    expect(a).toMatch(/@example\.com$/);
    const token = faker.fake('sk_live_abcdefgh1234', 'token') as string;
    expect(token).toMatch(/^sk_live_[a-z0-9]{12}$/);
    expect(token).not.toBe('sk_live_abcdefgh1234');
    const text = faker.fake('Jane Doe 42', 'text') as string;
    expect(text).toMatch(/^[A-Z][a-z]{3} [A-Z][a-z]{2} \d\d$/);
    expect(text).not.toBe('Jane Doe 42');
  });

  it('fakes every leaf under an asked pointer and leaves pointers the payload lacks', () => {
    const payload = { data: { customer: { name: 'Jane', address: { city: 'Oslo' } }, id: 'wo-1' } };
    const out = redact(payload, ['/data/customer', '/data/nope'], new Faker());
    expect(out.redacted.map((r) => r.pointer)).toEqual([
      '/data/customer/name',
      '/data/customer/address/city',
    ]);
    expect(JSON.stringify(out.payload)).not.toMatch(/Jane|Oslo/);
    expect((out.payload as typeof payload).data.id).toBe('wo-1');
    expect(payload.data.customer.name).toBe('Jane');
  });
});

describe('freshening', () => {
  it("finds the pointers each provider renews on every send, whatever the captured values' format", () => {
    expect(freshPointers(provider('mes'), { id: 'custom:1', type: 'a.b', timestamp: 'x', data: {} })).toEqual(
      ['/id', '/timestamp'],
    );
    expect(
      freshPointers(provider('tracktile'), { id: '1', kind: 'a.b', transactionId: 't', time: 't' }),
    ).toEqual(['/id', '/time', '/transactionId']);
    expect(freshPointers(provider('betterez'), { id: '1', attemptId: '2', created: 3 })).toEqual([
      '/attemptId',
      '/created',
      '/id',
    ]);
    expect(freshPointers(provider('katana'), { action: 'a.b', object: { id: 1 } })).toEqual([]);
  });
});

describe('captureDelivery', () => {
  const mes = JSON.stringify({
    id: 'x',
    type: 'work_order.created',
    timestamp: '2025-01-01T00:00:00Z',
    data: {},
  });
  it('takes the provider from the envelope when the log names none', () => {
    const captured = captureDelivery(record(mes), BUILTIN_REGISTRY, [], new Faker());
    expect(captured).toMatchObject({
      provider: 'mes',
      event: 'work_order.created',
      fresh: ['/id', '/timestamp'],
    });
  });

  it('refuses sent deliveries, binary, non-JSON and non-object bodies', () => {
    const refuse = (r: DeliveryRecord) => () => captureDelivery(r, BUILTIN_REGISTRY, [], new Faker());
    expect(refuse(record(mes, { direction: 'sent' }))).toThrow(CaptureRefusal);
    expect(
      refuse(
        record('AAEC', {
          request: { method: 'POST', url: '/', headers: {}, body: 'AAEC', bodyEncoding: 'base64' },
        }),
      ),
    ).toThrow(/binary/);
    expect(refuse(record('{"id":'))).toThrow(/not JSON/);
    expect(refuse(record('[1,2]'))).toThrow(/not an object/);
    expect(refuse(record('{"hello":"world"}'))).toThrow(/no provider/);
    const traversal = JSON.stringify({ id: 'x', type: '../../etc/passwd', timestamp: 't', data: {} });
    expect(refuse(record(traversal, { provider: 'mes' }))).toThrow(/cannot name a fixture file/);
  });
});

describe('drift', () => {
  it('sorts findings into added, missing, changed type and other', () => {
    const drift = driftOf({
      problems: [
        { pointer: '/data/a', message: 'required, missing' },
        { pointer: '/data/q', message: 'expected integer, got string' },
        { pointer: '/data/s', message: 'expected "OPEN" or "DONE", got "X"' },
      ],
      notes: [
        { pointer: '/tenant', message: 'not in the schema' },
        { pointer: '/id', message: 'expected a UUID, got "x"' },
      ],
    });
    expect(drift).toEqual({
      added: ['/tenant'],
      missing: ['/data/a'],
      changedType: [{ pointer: '/data/q', expected: 'integer', got: 'string' }],
      other: [{ pointer: '/data/s', message: 'expected "OPEN" or "DONE", got "X"' }],
    });
    expect(driftLines(drift)[0]).toBe('+ /tenant  (not in the schema)');
  });
});

describe('captured flows as scenarios', () => {
  it('keeps the shape of custom ids in their generators', () => {
    expect(templateFor('WO-88213')).toBe('WO-{{int:10000:99999}}');
    expect(templateFor('wo-a1b2c3d4e5')).toBe('wo-{{hex:10}}');
    expect(templateFor('ord_3f2a1c9e-1111-4222-8333-444455556666')).toBe('ord_{{uuid}}');
    expect(templateFor(3417820)).toBe('{{int:1000000:9999999}}');
    expect(templateFor('12345')).toBe('12345');
    const drawn = drawVars(
      { a: templateFor('WO-88213'), n: templateFor(3417820) },
      () => 0.5,
      () => 'u',
    );
    expect(drawn.a).toMatch(/^WO-\d{5}$/);
    expect(typeof drawn.n).toBe('number');
  });

  const katana = (n: number, action: string, at: string): CapturedDelivery => {
    const payload = {
      resource_type: 'manufacturing_order',
      action,
      webhook_id: 8105,
      object: { id: 4001234, status: 'X', href: 'https://api.katanamrp.com/v1/manufacturing_orders/4001234' },
    };
    return {
      deliveryId: `dlv_${n}`,
      at,
      provider: 'katana',
      event: action,
      received: payload,
      payload,
      fresh: [],
      redacted: [],
    };
  };

  it('turns shared ids into variables, also inside hrefs, and keeps order and gaps', () => {
    const flow = [
      katana(2, 'manufacturing_order.done', '2025-11-20T09:00:02.500Z'),
      katana(1, 'manufacturing_order.created', '2025-11-20T09:00:00.000Z'),
    ];
    expect(findLinks(flow).map((l) => l.name)).toEqual(['webhook_id', 'objectId']);
    const scenario = scenarioFor('mo-flow', flow, { keepGaps: true });
    expect(scenario.steps.map((s) => s.event)).toEqual([
      'manufacturing_order.created',
      'manufacturing_order.done',
    ]);
    expect(scenario.steps[1]!.after).toBe('2500ms');
    expect(scenario.steps[0]!.after).toBeUndefined();
    expect(scenario.steps[0]!.set.object).toEqual({
      id: '{{objectId}}',
      status: 'X',
      href: 'https://api.katanamrp.com/v1/manufacturing_orders/{{objectId}}',
    });
  });

  it('never sets what the provider freshens', () => {
    const payload = { id: 'e1', type: 'a.b', timestamp: 't', data: { workOrder: { id: 'wo-1' } } };
    const d: CapturedDelivery = {
      deliveryId: 'd',
      at: '2025-01-01T00:00:00Z',
      provider: 'mes',
      event: 'a.b',
      received: payload,
      payload,
      fresh: ['/id', '/timestamp'],
      redacted: [],
    };
    expect(Object.keys(scenarioFor('x', [d], { keepGaps: false }).steps[0]!.set)).toEqual(['type', 'data']);
  });

  it('writes pointers as the dot paths --set reads', () => {
    expect(pointerToDotPath('/data/items/0/id', { data: { items: [{ id: 1 }] } })).toBe('data.items[0].id');
    expect(pointerToDotPath('/odd.key/a~1b', { 'odd.key': { 'a/b': 1 } })).toBe('["odd.key"].a/b');
  });
});
