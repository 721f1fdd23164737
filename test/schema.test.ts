import type { Ajv2020 } from 'ajv/dist/2020.js';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { composeAll } from '../schemas/compose.mjs';
import { buildEvent } from '../src/core/build.js';
import { loadFixtures } from '../src/io/fixtures.js';
import { allSchemas, schemaFor, validateEvent } from '../src/schema/registry.js';
import { formatProblem, type JsonSchema } from '../src/schema/types.js';
import { compileSchema } from '../src/schema/validate.js';
import { independentAjv } from './helpers/ajv.js';

const events = await loadFixtures();
// Fixtures are read as loosely as a receiver reads JSON.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Fixture = Record<string, any>;
const ajv = independentAjv();
const ajvFor = new Map<string, ReturnType<Ajv2020['compile']>>();
function ajvValidate(provider: string, event: string, payload: unknown): boolean {
  const key = `${provider}:${event}`;
  if (!ajvFor.has(key)) ajvFor.set(key, ajv.compile(schemaFor(provider, event)!));
  return ajvFor.get(key)!(payload) as boolean;
}

describe('event schemas', () => {
  it('define exactly the 81 catalog events, and the build embeds what schemas/ composes', () => {
    const composed = composeAll() as Record<string, Record<string, JsonSchema>>;
    expect(allSchemas()).toEqual(composed);
    const defined = Object.entries(composed).flatMap(([p, byEvent]) =>
      Object.keys(byEvent).map((e) => `${p}:${e}`),
    );
    expect(defined.sort()).toEqual(events.map((e) => `${e.provider}:${e.name}`).sort());
    expect(defined).toHaveLength(81);
  });

  it.each(events.map((e) => [`${e.provider}:${e.name}`, e] as const))(
    'the fixture of %s validates (ajv and ours, no problems)',
    (_key, def) => {
      expect(ajvValidate(def.provider, def.name, def.payload), JSON.stringify(ajv.errors)).toBe(true);
      expect(validateEvent(def.provider, def.name, def.payload)!.problems).toEqual([]);
    },
  );

  it('a fresh payload of every event validates with ajv and ours', () => {
    let n = 0;
    for (const def of events) {
      const built = buildEvent(def, {
        fresh: {
          now: new Date(Date.UTC(2026, 0, 2, 3, 4, 5)),
          uuid: () => `6f1c2a3b-4d5e-4f60-8a7b-9c0d1e2f${String(n++).padStart(4, '0')}`,
        },
      });
      const payload = JSON.parse(built.body);
      expect(ajvValidate(def.provider, def.name, payload), `${def.name}: ${JSON.stringify(ajv.errors)}`).toBe(
        true,
      );
      expect(validateEvent(def.provider, def.name, payload)!.problems).toEqual([]);
    }
  });

  it('says where and what is wrong, as a JSON Pointer and a message', () => {
    const def = events.find((e) => e.name === 'work_order.created')!;
    const payload = JSON.parse(JSON.stringify(def.payload));
    payload.data.workOrder.quantity = '100';
    payload.data.workOrder.quantiy = 5;
    delete payload.timestamp;
    const result = validateEvent('mes', 'work_order.created', payload)!;
    expect(result.problems.map(formatProblem)).toEqual([
      '/timestamp: required, missing',
      '/data/workOrder/quantity: expected integer, got string',
    ]);
    expect(result.notes.map(formatProblem)).toEqual(['/data/workOrder/quantiy: not in the schema']);
  });

  it('knows the documents: Node types, BzDate forms, out-of-order needs a station, Katana href and status', () => {
    const moved = events.find((e) => e.name === 'inventory.moved')!.payload as Fixture;
    const bad = { ...moved, to: { ...moved.to, type: 'dock' } };
    expect(validateEvent('tracktile', 'inventory.moved', bad)!.problems.map(formatProblem)).toEqual([
      '/to/type: expected one of "stage", "container", "bundle", got "dock"',
    ]);
    // The document's own example ids are not UUIDs: a note, not a failure.
    expect(validateEvent('tracktile', 'inventory.moved', moved)!.notes.map(formatProblem)).toContain(
      '/id: expected a UUID, got "evt_abc123"',
    );

    const created = events.find((e) => e.name === 'operationmessage.created')!.payload as Fixture;
    const asString = { ...created, data: { ...created.data, createdAt: '2021-06-16T15:56:56.071Z' } };
    expect(validateEvent('betterez', 'operationmessage.created', asString)!.problems).toEqual([]);
    const wrongDate = {
      ...created,
      data: { ...created.data, createdAt: { offset: 0, value: 'June' }, updatedAt: 7 },
    };
    expect(
      validateEvent('betterez', 'operationmessage.created', wrongDate)!.problems.map(formatProblem),
    ).toEqual([
      '/data/createdAt/value: expected an RFC 3339 date-time, got "June"',
      '/data/updatedAt: expected object or string (date-time), got integer',
    ]);
    const outOfOrder = { ...created, data: { ...created.data, type: 'out-of-order', stationId: '' } };
    expect(
      validateEvent('betterez', 'operationmessage.created', outOfOrder)!.problems.map(formatProblem),
    ).toEqual(['/data/stationId: expected at least 1 character']);
    expect(ajvValidate('betterez', 'operationmessage.created', outOfOrder)).toBe(false);

    const deleted = events.find((e) => e.name === 'sales_order.deleted')!.payload as Fixture;
    expect(deleted.object.href).toBeUndefined();
    expect(validateEvent('katana', 'sales_order.deleted', deleted)!.problems).toEqual([]);
    const packed = events.find((e) => e.name === 'sales_order.packed')!.payload as Fixture;
    const noHref = { ...packed, webhook_id: '8105', object: { id: 1, status: 'DELIVERED' } };
    expect(validateEvent('katana', 'sales_order.packed', noHref)!.problems.map(formatProblem)).toEqual([
      '/webhook_id: expected integer, got string',
      '/object/href: required, missing',
      '/object/status: expected "PACKED", got "DELIVERED"',
    ]);
  });

  it('agrees with ajv on the edges of the uri format', () => {
    const schema = { type: 'string', format: 'uri' } as unknown as JsonSchema;
    const ours = compileSchema(schema);
    const theirs = ajv.compile(schema);
    for (const s of [
      'https://api.katanamrp.com/v1/sales_orders/1',
      'http://[::1]/',
      'a:b?c#d',
      'a:b?',
      'a::',
      'A:?',
      'a:#',
      'a:b#c#d',
      'a:%zz',
      'a:[',
      'a:b c',
      'x:',
    ])
      expect([s, ours(s).problems.length === 0]).toEqual([s, theirs(s)]);
  });

  it('agrees with ajv on valid/invalid for arbitrary changes to any fixture', () => {
    const leafPaths = (value: unknown, at: string[] = []): string[][] =>
      typeof value === 'object' && value !== null
        ? [at, ...Object.entries(value).flatMap(([k, v]) => leafPaths(v, [...at, k]))]
        : [at];
    const replacement = fc.oneof(
      fc.constant(undefined),
      fc.constant(null),
      fc.integer(),
      fc.double({ noNaN: true, noDefaultInfinity: true }),
      fc.boolean(),
      fc.string(),
      fc.constantFrom(
        '2024-01-15T10:30:00Z',
        '2024-13-01T00:00:00Z',
        'stage',
        'bundle',
        'https://x.test/a',
        '',
      ),
      fc.constant([]),
      fc.constant({}),
    );
    fc.assert(
      fc.property(fc.nat(events.length - 1), fc.nat(), replacement, (i, pick, value) => {
        const def = events[i]!;
        const payload = JSON.parse(JSON.stringify(def.payload));
        const paths = leafPaths(payload).filter((p) => p.length > 0);
        const path = paths[pick % paths.length]!;
        let parent = payload;
        for (const k of path.slice(0, -1)) parent = parent[k];
        if (value === undefined) delete parent[path.at(-1)!];
        else parent[path.at(-1)!] = value;
        // What a receiver parses: a deleted array item becomes null, as JSON has no holes.
        const received = JSON.parse(JSON.stringify(payload));
        const ours = compileSchema(schemaFor(def.provider, def.name)!)(received).problems.length === 0;
        expect(ours).toBe(ajvValidate(def.provider, def.name, received));
      }),
      { numRuns: 5000 },
    );
  });
});
