import { z } from './zod.js';
import type { Catalog, EventDef } from './catalog.js';
import { UsageError } from './errors.js';
import { parsePath } from './overrides.js';
import { parseDuration } from './schedule.js';

/** A duration as files write it (`500ms`, `5s`, `10m`): scenario steps and the config file. */
export const durationText = z.string().refine((text) => {
  try {
    parseDuration(text);
    return true;
  } catch {
    return false;
  }
}, 'must be a duration like 500ms, 5s, 10m');

export const scenarioSchema = z.strictObject({
  $schema: z.string().optional(),
  name: z.string().regex(/^[a-z0-9][a-z0-9-]*$/, 'must be lowercase letters, digits and -'),
  description: z.string().min(1),
  /** Values shared by the steps: `{{uuid}}`, `{{hex:8}}`, `{{int:100:999}}` are drawn once per run. */
  vars: z.record(z.string().regex(/^\w+$/, 'must be letters, digits or _'), z.string()).default({}),
  steps: z
    .array(
      z.strictObject({
        event: z.string().min(1),
        provider: z.string().optional(),
        /** Wait this long after the step before (a captured flow's own gaps); --gap otherwise. */
        after: durationText.optional(),
        /** Dot paths to values; strings may hold `{{var}}`. */
        set: z.record(z.string(), z.unknown()).default({}),
      }),
    )
    .min(1, 'needs at least one step'),
});
export type Scenario = z.infer<typeof scenarioSchema>;

/** Parses a scenario file's JSON, naming the bad key and checking every step's event and path. */
export function parseScenario(json: unknown, source: string, catalog: Catalog): Scenario {
  const parsed = scenarioSchema.safeParse(json);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    throw new UsageError(`${source}: "${issue.path.join('.') || '(file)'}": ${issue.message}`);
  }
  parsed.data.steps.forEach((step, i) => {
    try {
      catalog.find(step.event, step.provider);
      for (const path of Object.keys(step.set)) parsePath(path);
    } catch (error) {
      throw new UsageError(
        `${source}: "steps.${i}": ${(error as Error).message}`,
        (error as UsageError).hint,
      );
    }
  });
  return parsed.data;
}

const GENERATOR = /\{\{(uuid|hex:(\d{1,2})|int:(-?\d+):(-?\d+))\}\}/g;
const WHOLE_GENERATOR = /^\{\{int:(-?\d+):(-?\d+)\}\}$/;

/** Draws the scenario's variables: `{{int:a:b}}` alone gives a number; everything else text. */
export function drawVars(
  vars: Record<string, string>,
  random: () => number,
  uuid: () => string,
): Record<string, unknown> {
  const hex = (n: number) => Array.from({ length: n }, () => Math.floor(random() * 16).toString(16)).join('');
  const int = (lo: number, hi: number) => lo + Math.floor(random() * (hi - lo + 1));
  const out: Record<string, unknown> = {};
  for (const [name, template] of Object.entries(vars)) {
    const whole = WHOLE_GENERATOR.exec(template);
    out[name] = whole
      ? int(Number(whole[1]), Number(whole[2]))
      : template.replace(GENERATOR, (_m, kind: string, n?: string, lo?: string, hi?: string) =>
          kind === 'uuid' ? uuid() : n !== undefined ? hex(Number(n)) : String(int(Number(lo), Number(hi))),
        );
  }
  return out;
}

/** Fills `{{var}}` (and generators) in a step's values; a value that is one variable keeps its type. */
export function fill(
  value: unknown,
  vars: Record<string, unknown>,
  random: () => number,
  uuid: () => string,
): unknown {
  if (typeof value === 'string') {
    const whole = /^\{\{(\w+)\}\}$/.exec(value);
    if (whole && whole[1]! in vars) return vars[whole[1]!];
    const generated = drawVars({ _: value }, random, uuid)._ as string | number;
    if (typeof generated !== 'string') return generated;
    return generated.replace(/\{\{(\w+)\}\}/g, (m, name: string) => (name in vars ? String(vars[name]) : m));
  }
  if (Array.isArray(value)) return value.map((v) => fill(v, vars, random, uuid));
  if (value && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, fill(v, vars, random, uuid)]));
  }
  return value;
}

export interface PlannedDelivery<T> {
  step: number;
  item: T;
  duplicate: boolean;
}

/**
 * The order deliveries go in: each step once, `duplicate` of them again (the same bytes, as a
 * platform's at-least-once delivery would), then shuffled when asked. Deterministic for a seed.
 */
export function planDeliveries<T>(
  items: readonly T[],
  options: { shuffle: boolean; duplicate: number },
  random: () => number,
): PlannedDelivery<T>[] {
  const plan: PlannedDelivery<T>[] = items.map((item, step) => ({ step: step + 1, item, duplicate: false }));
  for (let i = 0; i < options.duplicate; i++) {
    const source = Math.floor(random() * items.length);
    const copy = { step: source + 1, item: items[source]!, duplicate: true };
    // A duplicate comes after its original.
    const original = plan.findIndex((p) => p.step === source + 1 && !p.duplicate);
    const at = original + 1 + Math.floor(random() * (plan.length - original));
    plan.splice(at, 0, copy);
  }
  if (options.shuffle) {
    for (let i = plan.length - 1; i > 0; i--) {
      const j = Math.floor(random() * (i + 1));
      [plan[i], plan[j]] = [plan[j]!, plan[i]!];
    }
  }
  return plan;
}

export interface ScenarioStep {
  def: EventDef;
  /** Each with where it comes from, for messages: the step's "set". */
  sets: { path: (string | number)[]; value: unknown; from: string }[];
  /** How long to wait after the step before, when the scenario says. */
  delayMs?: number;
}

/** The scenario's steps with variables drawn and filled: ready to build. */
export function expandScenario(
  scenario: Scenario,
  catalog: Catalog,
  random: () => number,
  uuid: () => string,
): ScenarioStep[] {
  const vars = drawVars(scenario.vars, random, uuid);
  return scenario.steps.map((step, index) => ({
    def: catalog.find(step.event, step.provider),
    sets: Object.entries(step.set).map(([path, value]) => ({
      path: parsePath(path),
      value: fill(value, vars, random, uuid),
      from: `step ${index + 1}'s "set"`,
    })),
    ...(step.after === undefined ? {} : { delayMs: parseDuration(step.after) }),
  }));
}
