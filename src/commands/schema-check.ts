import type { EventDef } from '../core/catalog.js';
import { UsageError } from '../core/errors.js';
import type { Context } from '../ui/context.js';
import type { EventSettings } from './common.js';

// Settings are built once per command run: checking each event once per settings warns once, not per --count.
const checked = new WeakMap<EventSettings, Set<EventDef>>();

/** Warns about (or with --strict, refuses) an event built from these settings that breaks its schema. */
export function checkBuildOnce(ctx: Context, def: EventDef, payload: unknown, settings: EventSettings): void {
  // A built-in event built as it is always fits its schema (test/schema.test.ts builds every one
  // fresh and validates it): only --set, --data or a user's fixture can break it. Not loading the
  // schemas for it is a good part of a short `payload` or `send`.
  if (def.file === undefined && settings.sets.length === 0 && settings.data === undefined) return;
  const { checkBuild } = settings;
  if (!checkBuild) throw new Error(`the schema check of ${def.name} was not loaded with its settings`);
  let seen = checked.get(settings);
  if (!seen) checked.set(settings, (seen = new Set()));
  if (seen.has(def)) return;
  seen.add(def);
  const findings = checkBuild(def.provider, def.name, payload, settings.sets);
  if (findings.length === 0) return;
  if (settings.strict) {
    throw new UsageError(
      findings.map((f) => f.message).join('\n'),
      'fix the values (--set, --data, a scenario step\'s "set"), or drop --strict to send anyway',
    );
  }
  for (const f of findings) ctx.err(ctx.color.yellow(`Warning: ${f.message}`));
}
