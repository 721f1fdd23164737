import { z } from 'zod';
import type { EventDef } from '../core/catalog.js';
import type { DeliveryRecord } from '../core/delivery.js';
import { FailureError, UsageError } from '../core/errors.js';
import { runPool } from '../core/pool.js';
import { summarize } from '../core/stats.js';
import { createDispatcher } from '../io/http.js';
import { DeliveryLog, logPath } from '../io/log.js';
import { resolveTarget } from '../io/settings.js';
import type { Context } from '../ui/context.js';
import { pickEvent } from '../ui/prompts.js';
import { renderReceived, renderSent, sentJson } from '../ui/render.js';
import { startProgress } from '../ui/spinner.js';
import {
  catalogFor,
  describeSecret,
  eventOptionsShape,
  eventSettings,
  intOption,
  parseOptions,
} from './common.js';
import { deliverEvent, loadEvents, prepareLoad, signedEvent, startLocalReceiver } from './outgoing.js';

const MAX_COUNT = 10_000_000;

const schema = z.object({
  ...eventOptionsShape,
  all: z.boolean().default(false),
  to: z.string().optional(),
  count: intOption(1, MAX_COUNT).default(1),
  concurrency: intOption(1, 1024).default(1),
  timeout: intOption(1, 10 * 60_000).optional(),
  json: z.boolean().default(false),
  log: z.boolean().default(true),
});

async function chooseEvents(
  ctx: Context,
  names: string[],
  options: z.infer<typeof schema>,
): Promise<EventDef[]> {
  const catalog = await catalogFor(ctx);
  if (options.all) {
    if (names.length > 0) throw new UsageError('name events or use --all, not both');
    return options.provider ? catalog.ofProvider(options.provider) : [...catalog.events];
  }
  if (names.length > 0) return names.map((name) => catalog.find(name, options.provider));
  if (ctx.stdinIsTTY && ctx.interactive) {
    const picked = await pickEvent(catalog);
    return [catalog.find(picked.event, picked.provider)];
  }
  throw new UsageError('name an event to send, or use --all', 'e.g. mes-webhooks send work_order.created');
}

export async function sendCommand(ctx: Context, names: string[], raw: unknown): Promise<number> {
  const options = parseOptions(schema, raw);
  const settings = await eventSettings(ctx, options);
  const defs = await chooseEvents(ctx, names, options);
  if (defs.length === 0) throw new UsageError('there are no events to send');
  const log = options.log ? new DeliveryLog(logPath(ctx.env, ctx.cwd)) : undefined;
  // Each event's target: --to, a config route, MES_WEBHOOKS_URL or the config's `to`.
  const targets = new Map(defs.map((def) => [def, resolveTarget(options.to, ctx.env, ctx.config, def.name)]));
  const local = [...targets.values()].includes(undefined)
    ? await startLocalReceiver(ctx, settings.secret, log)
    : undefined;

  const received = new Map<string, DeliveryRecord>();
  // Matched by body: Katana's events carry no id.
  local?.on('delivery', (record) => received.set(record.request.body, record));

  const total = defs.length * options.count;
  const loadTest = options.count > 1;
  const dispatcher = createDispatcher(options.concurrency);
  const latencies: number[] = [];
  const refused: string[] = [];
  let ok = 0;
  const progress =
    loadTest && !options.json ? await startProgress(ctx, `sending ${total} deliveries`) : undefined;
  const urlOf = (def: EventDef) => targets.get(def) ?? local!.url;
  const load = loadTest ? await prepareLoad(defs.map(urlOf), options.timeout) : undefined;
  const started = process.hrtime.bigint();

  const sendOne = async (def: EventDef) => {
    const event = signedEvent(ctx, def, settings, options.scheme);
    settle(await deliverEvent(ctx, def, event, urlOf(def), { timeoutMs: options.timeout, dispatcher }));
  };
  const settle = (record: DeliveryRecord) => {
    void log?.append(record);
    latencies.push(record.durationMs);
    if (record.ok) ok++;
    if (record.error?.code === 'ECONNREFUSED') refused.push(record.request.url);
    if (options.json) ctx.out(JSON.stringify(sentJson(record)));
    else if (!loadTest) {
      ctx.out(renderSent(ctx.color, record));
      const seen = received.get(record.request.body);
      if (seen) ctx.out(`   ${ctx.color.dim('↳ received')}  ${renderReceived(ctx.color, seen)}`);
    } else if (latencies.length % 250 === 0) progress?.update(`sent ${latencies.length}/${total}`);
  };

  try {
    if (load) {
      const build = (def: EventDef) => signedEvent(ctx, def, settings, options.scheme);
      const timeoutMs = options.timeout;
      await loadEvents(ctx, load, defs, {
        total,
        connections: options.concurrency,
        timeoutMs,
        urlOf,
        build,
        settle,
      });
    } else await runPool(total, options.concurrency, (index) => sendOne(defs[index % defs.length]!));
  } finally {
    progress?.stop();
    await dispatcher.close();
    await local?.close();
    await log?.close();
  }

  const summary = summarize(latencies, ok, Number(process.hrtime.bigint() - started) / 1e6);
  if (options.json && total > 1) ctx.out(JSON.stringify({ summary }));
  if (!options.json && total > 1) {
    const c = ctx.color;
    ctx.err(
      `${total} sent: ${c.green(`${summary.ok} ok`)}, ${summary.failed > 0 ? c.red(`${summary.failed} failed`) : '0 failed'}` +
        ` · ${summary.requestsPerSecond} req/s · p50 ${summary.p50} ms · p95 ${summary.p95} ms · p99 ${summary.p99} ms`,
    );
  }
  if (settings.secretSource === 'default' && !options.json)
    ctx.err(ctx.color.dim(`Signed with ${describeSecret('default')}.`));
  if (summary.failed === 0) return 0;
  if (refused.length === summary.failed) {
    throw new FailureError(
      `nothing is listening at ${refused[0]}`,
      'start one with `mes-webhooks listen`, or pass --to',
    );
  }
  throw new FailureError(
    summary.failed === 1 && total === 1
      ? 'the delivery was not answered with 2xx'
      : `${summary.failed} of ${total} deliveries were not answered with 2xx`,
  );
}
