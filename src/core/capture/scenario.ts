import type { Scenario } from '../scenario.js';
import type { CapturedDelivery } from './fixture.js';
import { getAt, isObject, leaves, mapLeaves, pointerToDotPath } from './pointer.js';

/** An id-like key: `id`, `workOrderId`, `work_order_id`, `materialID`. */
const ID_KEY = /(?:^id$|Id$|_id$|ID$)/;

export interface Link {
  name: string;
  value: string | number;
  /** The variable's generator: a fresh value of the same shape each run. */
  template: string;
}

const digitsRange = (n: number) => (n <= 1 ? '0:9' : `${10 ** (n - 1)}:${10 ** n - 1}`);

/**
 * A generator template of the same shape as a captured id, so a custom id format survives: a UUID
 * stays a UUID, `WO-2024-0042` becomes `WO-{{int:1000:9999}}-{{int:1000:9999}}`. A string of digits
 * alone stays as captured, as an `{{int}}` on its own would turn it into a number.
 */
export function templateFor(value: string | number): string {
  if (typeof value === 'number')
    return Number.isInteger(value) && value > 0
      ? `{{int:${digitsRange(String(value).length)}}}`
      : String(value);
  if (/^\d+$/.test(value)) return value;
  return value
    .replace(/[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/gi, '{{uuid}}')
    .replace(
      /(?<![{:\w])(?=[0-9a-f]*\d)(?=[0-9a-f]*[a-f])[0-9a-f]{6,99}(?![\w}])/g,
      (m) => `{{hex:${m.length}}}`,
    )
    .replace(/(?<![{:\d])\d+(?![\d}:])/g, (m) => `{{int:${digitsRange(m.length)}}}`);
}

function varName(pointer: string, key: string, taken: Set<string>): string {
  const parts = pointer.split('/').filter(Boolean);
  const parent = parts[parts.length - 2] ?? 'link';
  const base = (key === 'id' || key === 'ID' ? `${parent}Id` : key)
    .replace(/\W/g, '_')
    .replace(/^(\d)/, '_$1');
  let name = base;
  for (let i = 2; taken.has(name); i++) name = `${base}${i}`;
  taken.add(name);
  return name;
}

/** Ids under id-like keys that two or more captured deliveries share: the links between the steps. */
export function findLinks(deliveries: readonly CapturedDelivery[]): Link[] {
  const holders = new Map<
    string,
    { pointer: string; key: string; value: string | number; in: Set<number> }
  >();
  deliveries.forEach((d, index) => {
    const fresh = new Set(d.fresh);
    for (const leaf of leaves(d.payload)) {
      if (fresh.has(leaf.pointer) || !ID_KEY.test(leaf.key)) continue;
      if (typeof leaf.value !== 'string' && typeof leaf.value !== 'number') continue;
      if (leaf.value === '') continue;
      const k = JSON.stringify(leaf.value);
      const found = holders.get(k) ?? {
        pointer: leaf.pointer,
        key: leaf.key,
        value: leaf.value,
        in: new Set(),
      };
      found.in.add(index);
      holders.set(k, found);
    }
  });
  const taken = new Set<string>();
  return [...holders.values()]
    .filter((h) => h.in.size >= 2)
    .map((h) => ({ name: varName(h.pointer, h.key, taken), value: h.value, template: templateFor(h.value) }));
}

/** A payload with every linked id replaced by its `{{variable}}`, also inside longer strings (hrefs). */
function withVariables(payload: unknown, links: readonly Link[]): unknown {
  return mapLeaves(payload, ({ value }) => {
    const whole = links.find((l) => l.value === value);
    if (whole) return `{{${whole.name}}}`;
    if (typeof value !== 'string') return value;
    let out = value;
    for (const link of links) {
      const text = String(link.value);
      if (text.length < 3) continue;
      out = out.replace(
        new RegExp(`(?<![\\w-])${text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}(?![\\w-])`, 'g'),
        `{{${link.name}}}`,
      );
    }
    return out;
  });
}

/** The `set` of one step: every value of the capture except the ones the provider freshens. */
function setsFor(
  payload: unknown,
  fresh: readonly string[],
  templated: unknown,
  pointer = '',
): [string, unknown][] {
  if (fresh.includes(pointer)) return [];
  // The payload itself is never set whole: a step sets its top-level keys, or deeper around fresh ones.
  const inside = pointer === '' || fresh.some((p) => p.startsWith(`${pointer}/`));
  if (!inside || !isObject(getAt(payload, pointer)))
    return [[pointerToDotPath(pointer, payload), getAt(templated, pointer)]];
  const here = getAt(payload, pointer) as Record<string, unknown>;
  return Object.keys(here).flatMap((k) =>
    setsFor(payload, fresh, templated, `${pointer}/${k.replace(/~/g, '~0').replace(/\//g, '~1')}`),
  );
}

/** Milliseconds as the shortest duration text scenario files take (`1500ms`, `2s`). */
const durationText = (ms: number) => (ms % 1000 === 0 ? `${ms / 1000}s` : `${ms}ms`);

/**
 * A scenario replaying the captured deliveries in the order they arrived. Each step sets the
 * captured values over its event's fixture, linked ids drawn fresh per run; with `keepGaps` each
 * step waits as long after the one before as the original did.
 */
export function scenarioFor(
  name: string,
  deliveries: readonly CapturedDelivery[],
  options: { keepGaps: boolean },
): Scenario {
  const ordered = [...deliveries].sort((a, b) => Date.parse(a.at) - Date.parse(b.at));
  const links = findLinks(ordered);
  const steps = ordered.map((d, i) => {
    const templated = withVariables(d.payload, links);
    const gap = i === 0 ? 0 : Math.max(0, Date.parse(d.at) - Date.parse(ordered[i - 1]!.at));
    return {
      event: d.event,
      provider: d.provider,
      ...(options.keepGaps && i > 0 ? { after: durationText(gap) } : {}),
      set: Object.fromEntries(setsFor(d.payload, d.fresh, templated)),
    };
  });
  const events = [...new Set(ordered.map((d) => d.event))];
  return {
    name,
    description: `Captured flow of ${ordered.length} deliveries (${events.join(', ')}), from ${ordered[0]!.at}.`,
    vars: Object.fromEntries(links.map((l) => [l.name, l.template])),
    steps,
  };
}
