import { readFileSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { createCatalog, fixtureFileProblem, fixtureProblems } from '../src/core/catalog.js';
import { PROVIDERS, findProvider } from '../src/core/providers/index.js';
import { loadFixtures } from '../src/io/fixtures.js';

const docs = fileURLToPath(new URL('./vendor-docs/', import.meta.url));
const doc = (name: string) => readFileSync(path.join(docs, name), 'utf8');
const events = await loadFixtures();
const byName = (provider: string, name: string) =>
  events.find((e) => e.provider === provider && e.name === name)!;

/** Every event name the vendor documents mention, read from the documents themselves. */
function namesInDocs(): Record<string, Set<string>> {
  const mesNames = new Set(
    [
      ...doc('mes-events.md').matchAll(/^### ([a-z_]+\.[a-z_]+)$/gm),
      ...doc('mes-overview.md').matchAll(/^\| `([a-z_]+\.[a-z_]+)` \|/gm),
    ].map((m) => m[1]!),
  );
  const tracktile = new Set(
    [...doc('tracktile-inventory-events.txt').matchAll(/"kind": "(inventory\.[a-z.]+)"/g)].map((m) => m[1]!),
  );
  const betterez = new Set(
    [...doc('betterez-operation-messages.txt').matchAll(/"event": "([a-z.]+)"/g)].map((m) => m[1]!),
  );
  const katana = new Set(
    [...doc('katana-webhooks.md').matchAll(/^\| ([a-z_]+\.[a-z_]+) +\|/gm)].map((m) => m[1]!),
  );
  return { mes: mesNames, tracktile, betterez, katana };
}

/** The JSON examples a document shows, keyed by event name. */
function examples(text: string, key: string): Map<string, Record<string, unknown>> {
  const found = new Map<string, Record<string, unknown>>();
  const starts = [...text.matchAll(/\{\s*"/g)].map((m) => m.index!);
  for (const start of starts) {
    let depth = 0;
    for (let i = start; i < text.length; i++) {
      if (text[i] === '{') depth++;
      else if (text[i] === '}' && --depth === 0) {
        try {
          const json = JSON.parse(text.slice(start, i + 1));
          if (typeof json[key] === 'string' && !found.has(json[key])) found.set(json[key], json);
        } catch {
          // Not a whole JSON object (for instance a TypeScript interface).
        }
        break;
      }
    }
  }
  return found;
}

describe('the catalog', () => {
  it('holds 81 event types: MES 10, Tracktile 10, Betterez 2, Katana 59', () => {
    expect(events).toHaveLength(81);
    const counts = Object.fromEntries(
      PROVIDERS.map((p) => [p.id, events.filter((e) => e.provider === p.id).length]),
    );
    expect(counts).toEqual({ mes: 10, tracktile: 10, betterez: 2, katana: 59 });
  });

  it('has every event name the vendor documents mention, and no others', () => {
    const names = namesInDocs();
    for (const [provider, set] of Object.entries(names)) {
      expect(new Set(events.filter((e) => e.provider === provider).map((e) => e.name))).toEqual(set);
    }
  });

  it('keeps fixture files named after their events', () => {
    const root = fileURLToPath(new URL('../fixtures/', import.meta.url));
    for (const provider of readdirSync(root)) {
      for (const file of readdirSync(path.join(root, provider))) {
        const json = JSON.parse(readFileSync(path.join(root, provider, file), 'utf8'));
        expect(file).toBe(`${json.event}.json`);
      }
    }
  });

  it("validates every fixture against its provider's envelope schema", () => {
    for (const e of events) {
      const provider = findProvider(e.provider)!;
      expect(
        fixtureProblems(provider, { event: e.name, description: e.description, payload: e.payload }),
      ).toEqual([]);
      expect(e.description.length).toBeGreaterThan(10);
    }
  });

  it('rejects a fixture that breaks its envelope, naming the field', () => {
    const mes = findProvider('mes')!;
    const problems = fixtureProblems(mes, {
      event: 'work_order.created',
      description: 'x',
      payload: { type: 'work_order.created', data: {} },
    });
    expect(problems.join()).toMatch(/id/);
    expect(problems.join()).toMatch(/timestamp/);
  });

  it('checks each envelope rule: event names, times, ids and numbers', () => {
    const katana = findProvider('katana')!;
    const betterez = findProvider('betterez')!;
    const mes = findProvider('mes')!;
    const base = { id: 'evt_1', type: 'work_order.created', timestamp: '2026-01-01T00:00:00Z', data: {} };
    expect(mes.envelope.safeParse(base)).toEqual({ success: true });
    const wrong = (provider: typeof mes, payload: object) =>
      fixtureProblems(provider, { event: 'x', description: 'x', payload: payload as never }).join('; ');
    expect(wrong(mes, { ...base, type: 'WorkOrderCreated' })).toMatch(/^type: expected a string matching/);
    expect(wrong(mes, { ...base, timestamp: '2026-02-30T00:00:00Z' })).toMatch(
      /^timestamp: expected an RFC 3339/,
    );
    const order = { resource_type: 'sales_order', action: 'sales_order.created', webhook_id: 1 };
    expect(wrong(katana, { ...order, object: { id: 1.5, status: 'OPEN' } })).toMatch(/^object.id: /);
    expect(wrong(katana, { ...order, object: { id: 'x', status: 'OPEN', href: 'not a uri' } })).toMatch(
      /^object.href: expected a URI/,
    );
    expect(
      wrong(betterez, { id: 'a', attemptId: 'b', created: 0, event: 'x.y', data: {}, livemode: false }),
    ).toMatch(/^created: expected a number above 0/);
  });

  it('refuses a fixture file of the wrong shape, naming the field', () => {
    const file = { event: 'a.b', description: 'd', payload: {} };
    expect(fixtureFileProblem(file)).toBeUndefined();
    expect(fixtureFileProblem({ ...file, fresh: ['/id'] })).toBeUndefined();
    expect(fixtureFileProblem({ ...file, fresh: ['id'] })).toMatch(/^\/fresh\/0: expected a string matching/);
    expect(fixtureFileProblem({ ...file, payload: [] })).toBe('/payload: expected object, got array');
    expect(fixtureFileProblem({ event: 'a.b', payload: {} })).toBe('/description: required, missing');
    expect(fixtureFileProblem({ ...file, extra: 1 })).toBe('/extra: not in the schema');
    expect(fixtureFileProblem([])).toBe('expected a JSON object');
  });

  it('reproduces the MES catalog examples field for field, in the overview envelope', () => {
    const shown = examples(doc('mes-events.md'), 'type');
    expect(shown.size).toBe(9);
    for (const [name, example] of shown) {
      const payload = byName('mes', name).payload;
      expect(payload.data).toEqual(example.data);
      expect(Object.keys(payload)).toEqual(['id', 'type', 'timestamp', 'data']);
    }
  });

  it('reproduces the Tracktile and Betterez examples exactly', () => {
    for (const [name, example] of examples(doc('tracktile-inventory-events.txt'), 'kind')) {
      expect(byName('tracktile', name).payload).toEqual(example);
    }
    const betterez = examples(doc('betterez-operation-messages.txt'), 'event');
    expect(betterez.size).toBe(2);
    for (const [name, example] of betterez) expect(byName('betterez', name).payload).toEqual(example);
  });

  it('builds Katana payloads in the documented event object', () => {
    for (const e of events.filter((x) => x.provider === 'katana')) {
      const [resource, action] = e.name.split('.') as [string, string];
      const payload = e.payload as {
        resource_type: string;
        action: string;
        object: { id: number; status: string; href?: string };
      };
      expect(payload.resource_type).toBe(resource);
      expect(payload.action).toBe(e.name);
      if (e.name === 'sales_order.deleted' || e.name === 'product_recipe_row.deleted') {
        expect(payload.object.href).toBeUndefined();
      } else {
        expect(payload.object.href).toBe(`https://api.katanamrp.com/v1/${resource}s/${payload.object.id}`);
      }
      const statusFor: Record<string, string> = {
        packed: 'PACKED',
        delivered: 'DELIVERED',
        done: 'DONE',
        blocked: 'BLOCKED',
        in_progress: 'IN_PROGRESS',
        received: 'RECEIVED',
        completed: 'COMPLETED',
        paused: 'PAUSED',
      };
      if (statusFor[action]) expect(payload.object.status).toBe(statusFor[action]);
    }
    expect(byName('katana', 'sales_order.delivered').payload).toMatchObject({
      resource_type: 'sales_order',
      object: { status: 'DELIVERED' },
    });
  });
});

describe('looking events up', () => {
  const catalog = createCatalog(events);

  it('finds by name, or provider:name', () => {
    expect(catalog.find('work_order.created').provider).toBe('mes');
    expect(catalog.find('katana:sales_order.created').provider).toBe('katana');
    expect(catalog.find('inventory.received', 'tracktile').provider).toBe('tracktile');
  });

  it('suggests the closest names for a typo', () => {
    expect(() => catalog.find('work_order.creatd')).toThrow(/unknown event "work_order.creatd"/);
    const error = (() => {
      try {
        catalog.find('sales_order.delivred');
      } catch (e) {
        return e as { hint: string; exitCode: number };
      }
      throw new Error('expected an unknown-event error');
    })();
    expect(error.hint).toMatch(/sales_order\.delivered/);
    expect(error.exitCode).toBe(2);
  });

  it('says so for an event of another provider', () => {
    expect(() => catalog.find('work_order.created', 'katana')).toThrow(/for provider katana/);
  });
});

describe('the compiled catalog', () => {
  it('is exactly the fixtures folder', async () => {
    const { BUILTIN_EVENTS } = await import('../src/generated/catalog.js');
    // Compiled in folder order; the catalog lists providers in the registry's order.
    const key = (e: { provider: string; name: string }) => `${e.provider}:${e.name}`;
    const sorted = (list: readonly { provider: string; name: string }[]) =>
      [...list].sort((a, b) => key(a).localeCompare(key(b)));
    expect(sorted(BUILTIN_EVENTS)).toEqual(sorted(events));
  });

  it('parses a payload once, and copies of an event carry it', async () => {
    const { BUILTIN_EVENTS } = await import('../src/generated/catalog.js');
    const def = BUILTIN_EVENTS.find((e) => e.name === 'work_order.created')!;
    expect(def.payload).toBe(def.payload);
    expect({ ...def }.payload).toEqual(byName('mes', 'work_order.created').payload);
    expect(JSON.parse(JSON.stringify(def)).payload).toEqual(def.payload);
    expect(structuredClone(def).payload).toEqual(def.payload);
  });
});
