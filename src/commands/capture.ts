import path from 'node:path';
import {
  captureDelivery,
  CaptureRefusal,
  fixtureFor,
  type CapturedDelivery,
} from '../core/capture/fixture.js';
import { driftCount, driftLines, driftOf, type Drift } from '../core/capture/drift.js';
import { checkPointers, Faker } from '../core/capture/redact.js';
import { scenarioFor } from '../core/capture/scenario.js';
import { createCatalog, fixtureProblems, type Catalog, type EventDef } from '../core/catalog.js';
import type { DeliveryRecord } from '../core/delivery.js';
import { FailureError, UsageError } from '../core/errors.js';
import { matcher, parseSince } from '../core/query.js';
import { parseScenario } from '../core/scenario.js';
import { logPath, readDeliveriesNewestFirst } from '../io/log.js';
import { registryOf } from '../io/config.js';
import { validateEvent } from '../schema/registry.js';
import type { Context } from '../ui/context.js';
import { readFlag } from '../ui/errors.js';
import type { captureOptions } from './capture/options.js';
import {
  addToConfig,
  checkWritable,
  refuseOverwrites,
  targetFolder,
  write,
  type Target,
} from './capture-files.js';
import { catalogFor } from './common.js';
import type { OptionsOf } from './declare.js';

type Options = OptionsOf<typeof captureOptions>;

/**
 * The logged deliveries, newest first. The one place capture reads the log: when the log moves
 * behind a store, only this changes.
 */
function loggedDeliveries(ctx: Context): AsyncIterable<DeliveryRecord> {
  return readDeliveriesNewestFirst(logPath(ctx.env, ctx.cwd));
}

/** The records to capture, oldest first: the named ids, or the newest received ones that match. */
async function select(ctx: Context, ids: string[], options: Options): Promise<DeliveryRecord[]> {
  if (ids.length > 0) {
    if (options.last !== undefined || options.event || options.since)
      throw new UsageError('name delivery ids or select with --last, --event and --since, not both');
    const wanted = new Set(ids);
    const found = new Map<string, DeliveryRecord>();
    for await (const record of loggedDeliveries(ctx)) {
      if (wanted.has(record.deliveryId) && !found.has(record.deliveryId))
        found.set(record.deliveryId, record);
      if (found.size === wanted.size) break;
    }
    const missing = ids.filter((id) => !found.has(id));
    if (missing.length > 0)
      throw new UsageError(
        `not in the delivery log: ${missing.join(', ')}`,
        'run `mes-webhooks logs --direction received` to see the ids',
        'E_NOT_IN_LOG',
      );
    const sent = ids.filter((id) => found.get(id)!.direction !== 'received');
    if (sent.length > 0)
      throw new UsageError(
        `sent by this tool, not received: ${sent.join(', ')}`,
        'capture takes what `mes-webhooks listen` received; `logs --direction received` lists those',
        'E_NOT_CAPTURABLE',
      );
    return [...new Set(ids)].map((id) => found.get(id)!).sort((a, b) => Date.parse(a.at) - Date.parse(b.at));
  }
  const matches = matcher({
    direction: 'received',
    originalsOnly: true,
    event: options.event,
    since: options.since
      ? readFlag('--since', () => parseSince(options.since!, ctx.runtime.now()))
      : undefined,
  });
  const limit = options.last ?? 1;
  const picked: DeliveryRecord[] = [];
  for await (const record of loggedDeliveries(ctx)) {
    if (record.kind === 'receive' && matches(record)) picked.push(record);
    if (picked.length === limit) break;
  }
  if (picked.length === 0)
    throw new UsageError(
      'no received delivery in the log matches',
      'point a sender at `mes-webhooks listen` first, or widen --event and --since',
      'E_NOT_IN_LOG',
    );
  return picked.reverse();
}

interface Written {
  kind: 'fixture' | 'scenario';
  file: string;
  event?: string;
  provider?: string;
  deliveryId?: string;
}

const fixturePath = (folder: string, d: CapturedDelivery) => path.join(folder, d.provider, `${d.event}.json`);

export async function captureCommand(ctx: Context, ids: string[], options: Options): Promise<number> {
  const bad = checkPointers(options.redact);
  if (bad.length > 0) throw new UsageError(`--redact: ${bad.join('; ')}`);
  if (options.keepGaps && !options.scenario) throw new UsageError('--keep-gaps goes with --scenario NAME');
  const [catalog, records] = await Promise.all([catalogFor(ctx), select(ctx, ids, options)]);
  const registry = registryOf(ctx.config);
  const faker = new Faker();
  const refusals: string[] = [];
  const captured: CapturedDelivery[] = [];
  for (const record of records) {
    try {
      captured.push(captureDelivery(record, registry, options.redact, faker));
    } catch (error) {
      if (!(error instanceof CaptureRefusal)) throw error;
      refusals.push(error.message);
    }
  }
  // All or nothing: a capture that cannot take every delivery asked for writes none.
  if (refusals.length > 0)
    throw new FailureError(
      refusals.length === 1 ? refusals[0]! : `cannot capture:\n  ${refusals.join('\n  ')}`,
      'capture takes received deliveries with JSON object bodies',
      'E_NOT_CAPTURABLE',
    );

  const fixtures = await targetFolder(ctx, 'fixtures', options.config);
  // One fixture per event, from the newest delivery of it; a scenario needs one only for events the catalog lacks.
  const perEvent = new Map(captured.map((d) => [`${d.provider}\0${d.event}`, d]));
  const fixtureOf = [...perEvent.values()].filter(
    (d) => !options.scenario || !catalog.events.some((e) => e.provider === d.provider && e.name === d.event),
  );
  const files: { file: string; text: string; written: Written }[] = [];
  const newDefs: EventDef[] = [];
  for (const d of fixtureOf) {
    const known = catalog.events.find((e) => e.provider === d.provider && e.name === d.event);
    const fixture = fixtureFor(
      d,
      known?.description ??
        `${d.event}, as ${registry.provider(d.provider)?.name ?? d.provider} really sends it.`,
    );
    const problems = fixtureProblems(registry.provider(d.provider)!, fixture);
    if (problems.length > 0)
      throw new FailureError(
        `${d.deliveryId}: the captured payload does not fit the ${d.provider} envelope: ${problems.join('; ')}`,
        undefined,
        'E_NOT_CAPTURABLE',
      );
    const file = fixturePath(fixtures.folder, d);
    files.push({
      file,
      text: `${JSON.stringify(fixture, null, 2)}\n`,
      written: { kind: 'fixture', file, event: d.event, provider: d.provider, deliveryId: d.deliveryId },
    });
    newDefs.push({
      name: d.event,
      provider: d.provider,
      description: fixture.description,
      payload: d.payload,
      file,
    });
  }
  let scenarios: Target | undefined;
  if (options.scenario) {
    scenarios = await targetFolder(ctx, 'scenarios', options.config);
    const scenario = scenarioFor(options.scenario, captured, { keepGaps: options.keepGaps });
    const file = path.join(scenarios.folder, `${options.scenario}.json`);
    // The scenario must load as the scenario command will load it, with the fixtures written beside it.
    parseScenario(scenario, file, withEvents(catalog, newDefs));
    files.push({ file, text: `${JSON.stringify(scenario, null, 2)}\n`, written: { kind: 'scenario', file } });
  }

  await refuseOverwrites(
    files.map((f) => f.file),
    options.force,
  );
  for (const folder of new Set(
    [fixtures, scenarios]
      .filter((t) => t && files.some((f) => f.file.startsWith(t.folder)))
      .map((t) => t!.folder),
  ))
    await checkWritable(folder);
  for (const f of files) await write(f.file, f.text, options.force);
  const configUpdates: string[] = [];
  for (const [kind, target] of [
    ['fixtures', fixtures],
    ['scenarios', scenarios],
  ] as const) {
    if (!target?.addedToConfig || !files.some((f) => f.file.startsWith(target.folder))) continue;
    await addToConfig(target.addedToConfig, kind, target.folder);
    configUpdates.push(`${target.addedToConfig} (${kind}: ${target.folder})`);
  }

  const report = captured.map((d) => ({
    deliveryId: d.deliveryId,
    provider: d.provider,
    event: d.event,
    fresh: d.fresh,
    redacted: d.redacted,
    drift: driftFor(d),
  }));
  if (options.json) {
    ctx.out(
      JSON.stringify({ written: files.map((f) => f.written), config: configUpdates, deliveries: report }),
    );
    return 0;
  }
  printReport(
    ctx,
    report,
    files.map((f) => f.written),
    configUpdates,
  );
  return 0;
}

function driftFor(d: CapturedDelivery): Drift | null {
  const result = validateEvent(d.provider, d.event, d.received);
  return result ? driftOf(result) : null;
}

function withEvents(catalog: Catalog, extra: readonly EventDef[]): Catalog {
  return extra.length === 0 ? catalog : createCatalog([...catalog.events, ...extra], catalog.registry);
}

function printReport(
  ctx: Context,
  report: {
    deliveryId: string;
    event: string;
    provider: string;
    fresh: string[];
    redacted: { pointer: string; kind: string }[];
    drift: Drift | null;
  }[],
  written: Written[],
  config: string[],
): void {
  const c = ctx.color;
  for (const d of report) {
    ctx.out(`${c.bold(d.deliveryId)}  ${c.cyan(`${d.provider}:${d.event}`)}`);
    if (d.fresh.length > 0) ctx.out(`  fresh on every send: ${d.fresh.join(', ')}`);
    if (d.redacted.length > 0)
      ctx.out(`  redacted: ${d.redacted.map((r) => `${r.pointer} (${r.kind})`).join(', ')}`);
    if (d.drift === null) ctx.out(c.dim('  drift: no built-in schema for this event'));
    else if (driftCount(d.drift) === 0)
      ctx.out(c.green('  drift: none, the payload matches the built-in schema'));
    else {
      ctx.out(c.yellow(`  drift from the built-in schema (${driftCount(d.drift)}):`));
      for (const line of driftLines(d.drift)) ctx.out(`    ${line}`);
    }
  }
  for (const w of written) ctx.out(`${c.green('wrote')} ${w.kind} ${w.file}`);
  for (const line of config) ctx.out(`${c.green('added to')} ${line}`);
}
