import { longSleep as sleep } from '../io/wait.js';
import { z } from 'zod';
import { FailureError, UsageError } from '../core/errors.js';
import { seededRandom } from '../core/flaky.js';
import { expandScenario, planDeliveries } from '../core/scenario.js';
import { createDispatcher } from '../io/http.js';
import { DeliveryLog, logPath } from '../io/log.js';
import { findScenario, loadScenarios } from '../io/scenarios.js';
import { configFolders, resolveTarget } from '../io/settings.js';
import type { Context } from '../ui/context.js';
import { renderSent, sentJson } from '../ui/render.js';
import { catalogFor, eventOptionsShape, eventSettings, intOption, parseOptions } from './common.js';
import { deliverEvent, signedEvent, startLocalReceiver } from './outgoing.js';

const schema = z.object({
  ...eventOptionsShape,
  list: z.boolean().default(false),
  to: z.string().optional(),
  gap: intOption(0, 60 * 60_000).default(0),
  shuffle: z.boolean().default(false),
  duplicate: intOption(0, 1000).default(0),
  seed: intOption(0, 2 ** 32 - 1).optional(),
  timeout: intOption(1, 10 * 60_000).optional(),
  json: z.boolean().default(false),
  log: z.boolean().default(true),
});

export async function scenarioCommand(ctx: Context, name: string | undefined, raw: unknown): Promise<number> {
  const options = parseOptions(schema, raw);
  const catalog = await catalogFor(ctx);
  const folders = configFolders(ctx.config, 'scenarios');
  if (options.list || name === undefined) {
    if (!options.list)
      throw new UsageError('name a scenario to run', 'run `mes-webhooks scenario --list` to see them');
    const all = await loadScenarios(folders, catalog);
    for (const s of all.values()) {
      if (options.json)
        ctx.out(
          JSON.stringify({
            name: s.name,
            description: s.description,
            steps: s.steps.map((step) => step.event),
          }),
        );
      else
        ctx.out(
          `${ctx.color.cyan(s.name.padEnd(38))} ${s.steps.length} steps  ${ctx.color.dim(s.description)}`,
        );
    }
    return 0;
  }
  const scenario = await findScenario(name, folders, catalog, ctx.cwd);
  const settings = await eventSettings(ctx, options);
  const seed = options.seed ?? Math.floor(Math.random() * 2 ** 32);
  const random = seededRandom(seed);
  const steps = expandScenario(scenario, catalog, random, ctx.runtime.uuid);
  // Each step is built and signed once: a duplicate is the same delivery again, byte for byte.
  const built = steps.map((step) => ({
    def: step.def,
    event: signedEvent(
      ctx,
      step.def,
      { ...settings, sets: [...settings.sets, ...step.sets] },
      options.scheme,
    ),
  }));
  const plan = planDeliveries(built, { shuffle: options.shuffle, duplicate: options.duplicate }, random);

  const log = options.log ? new DeliveryLog(logPath(ctx.env, ctx.cwd)) : undefined;
  const targets = built.map((b) => resolveTarget(options.to, ctx.env, ctx.config, b.def.name));
  const local = targets.includes(undefined) ? await startLocalReceiver(ctx, settings.secret, log) : undefined;
  const dispatcher = createDispatcher(1);
  const c = ctx.color;
  if (!options.json) {
    const how = [options.shuffle && 'shuffled', options.duplicate > 0 && `${options.duplicate} duplicated`]
      .filter(Boolean)
      .join(', ');
    ctx.err(c.bold(`${scenario.name}: ${steps.length} steps${how ? `, ${how} (seed ${seed})` : ''}`));
  }
  let failed = 0;
  try {
    for (const [index, delivery] of plan.entries()) {
      if (index > 0 && options.gap > 0) await sleep(options.gap);
      const { def, event } = delivery.item;
      const record = await deliverEvent(ctx, def, event, targets[delivery.step - 1] ?? local!.url, {
        timeoutMs: options.timeout,
        dispatcher,
      });
      void log?.append(record);
      if (!record.ok) failed++;
      if (options.json)
        ctx.out(
          JSON.stringify({
            ...sentJson(record),
            scenario: scenario.name,
            step: delivery.step,
            duplicate: delivery.duplicate,
          }),
        );
      else
        ctx.out(
          `${c.dim(`#${String(delivery.step).padStart(2)}`)} ${renderSent(c, record)}${delivery.duplicate ? c.yellow('  (duplicate)') : ''}`,
        );
    }
  } finally {
    await dispatcher.close();
    await local?.close();
    await log?.close();
  }
  if (failed > 0) throw new FailureError(`${failed} of ${plan.length} deliveries were not answered with 2xx`);
  if (!options.json)
    ctx.err(`Delivered ${plan.length} ${plan.length === 1 ? 'event' : 'events'} of ${scenario.name}.`);
  return 0;
}
