import { FailureError, UsageError } from '../core/errors.js';
import { seededRandom } from '../core/flaky.js';
import { expandScenario, planDeliveries } from '../core/scenario.js';
import { createDispatcher } from '../io/http.js';
import { findScenario, loadScenarios } from '../io/scenarios.js';
import { configFolders, resolveTarget } from '../io/config.js';
import type { Context } from '../ui/context.js';
import { INTERRUPTED_EXIT_CODE, untilInterrupted, watchInterrupt } from '../pipeline/interrupt.js';
import { openStream } from '../pipeline/wire.js';
import { catalogFor, eventSettings, loadBuildCheck } from './common.js';
import type { OptionsOf } from './declare.js';
import { deliverEvent, signedEvent, startLocalReceiver } from './outgoing.js';
import type { scenarioOptions } from './scenario/options.js';

export async function scenarioCommand(
  ctx: Context,
  name: string | undefined,
  options: OptionsOf<typeof scenarioOptions>,
): Promise<number> {
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
  const seed = options.seed ?? Math.floor(ctx.runtime.random() * 2 ** 32);
  const random = seededRandom(seed);
  const steps = expandScenario(scenario, catalog, random, ctx.runtime.uuid);
  // A step's own --set values can break its event's schema, as the command's can.
  const checkBuild =
    settings.checkBuild ?? (steps.some((step) => step.sets.length > 0) ? await loadBuildCheck() : undefined);
  // Each step is built and signed once: a duplicate is the same delivery again, byte for byte.
  const built = steps.map((step) => ({
    def: step.def,
    delayMs: step.delayMs,
    event: signedEvent(
      ctx,
      step.def,
      { ...settings, sets: [...settings.sets, ...step.sets], checkBuild },
      options.scheme,
    ),
  }));
  const plan = planDeliveries(built, { shuffle: options.shuffle, duplicate: options.duplicate }, random);

  const stream = await openStream(ctx, { json: options.json, log: options.log, logUrl: options.logUrl });
  const targets = built.map((b) => resolveTarget(options.to, ctx.env, ctx.config, b.def.name));
  const local = targets.includes(undefined)
    ? await startLocalReceiver(ctx, settings.secret(), stream)
    : undefined;
  const dispatcher = createDispatcher(1);
  const interrupt = watchInterrupt(ctx);
  const c = ctx.color;
  if (!options.json) {
    const how = [options.shuffle && 'shuffled', options.duplicate > 0 && `${options.duplicate} duplicated`]
      .filter(Boolean)
      .join(', ');
    ctx.err(c.bold(`${scenario.name}: ${steps.length} steps${how ? `, ${how} (seed ${seed})` : ''}`));
  }
  let failed = 0;
  let sent = 0;
  const run = async () => {
    for (const [index, delivery] of plan.entries()) {
      const wait = delivery.duplicate ? options.gap : (delivery.item.delayMs ?? options.gap);
      if (index > 0 && wait > 0) await ctx.runtime.sleep(wait, interrupt.signal);
      if (interrupt.aborted) return;
      const { def, event } = delivery.item;
      const record = await deliverEvent(ctx, def, event, targets[delivery.step - 1] ?? local!.url, {
        timeoutMs: options.timeout,
        dispatcher,
      });
      // Answered after Ctrl-C: the partial summary is out, this one is not part of it.
      if (interrupt.aborted) return;
      sent++;
      if (!record.ok) failed++;
      const extra = { scenario: scenario.name, step: delivery.step, duplicate: delivery.duplicate };
      await stream.emit({ type: 'delivery', record, extra });
    }
  };
  const interrupted = await untilInterrupted(interrupt, run());
  await stream.emit({ type: 'summary', of: 'scenario', interrupted, scenario: scenario.name, sent, failed });
  if (!interrupted) {
    await dispatcher.close();
    await local?.close();
  }
  await stream.close();
  if (interrupted) return INTERRUPTED_EXIT_CODE;
  if (failed > 0) throw new FailureError(`${failed} of ${plan.length} deliveries were not answered with 2xx`);
  return 0;
}
