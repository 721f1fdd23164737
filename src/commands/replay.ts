import { z } from 'zod';
import { bodyBytes, type DeliveryRecord } from '../core/delivery.js';
import { FailureError, UsageError } from '../core/errors.js';
import { runPool } from '../core/pool.js';
import { resignDelivery } from '../core/redeliver.js';
import { createDispatcher } from '../io/http.js';
import type { ReadStats } from '../io/log.js';
import { openStore, warnUnstored, type DeliveryStore } from '../io/store.js';
import { deliver } from '../io/sender.js';
import { checkedUrl, resolveSecret } from '../io/settings.js';
import { forwardableHeaders } from '../server/forward.js';
import type { Context } from '../ui/context.js';
import { renderSent, sentJson } from '../ui/render.js';
import { intOption, parseOptions } from './common.js';
import { filterShape, reportSkipped, toFilter } from './logs.js';

const DEFAULT_TIMEOUT_MS = 30_000;

const schema = z.object({
  ...filterShape,
  last: intOption(1).optional(),
  to: z.string().optional(),
  resign: z.boolean().default(false),
  secret: z.string().min(1).optional(),
  dryRun: z.boolean().default(false),
  concurrency: intOption(1, 256).default(1),
  timeout: intOption(1, 10 * 60_000).default(DEFAULT_TIMEOUT_MS),
  json: z.boolean().default(false),
  log: z.boolean().default(true),
  config: z.string().optional(),
});
type Options = z.infer<typeof schema>;

async function select(
  ctx: Context,
  store: DeliveryStore,
  ids: string[],
  options: Options,
  stats: ReadStats,
): Promise<DeliveryRecord[]> {
  if (ids.length > 0) {
    const found = await store.find(ids, stats);
    const missing = ids.filter((id) => !found.has(id));
    if (missing.length > 0)
      throw new UsageError(
        `no ${missing.join(', ')} in ${store.where}`,
        'run `mes-webhooks logs` to see the ids',
      );
    return ids.map((id) => found.get(id)!);
  }
  if (
    options.last === undefined &&
    !options.event &&
    !options.failed &&
    !options.since &&
    !options.provider &&
    !options.direction
  ) {
    throw new UsageError(
      'name delivery ids, or pick them with --last N, --event, --failed or --since',
      'e.g. mes-webhooks replay --failed --to http://localhost:3000/webhooks',
    );
  }
  const filter = { ...toFilter(ctx, options), originalsOnly: true };
  if (options.last !== undefined) {
    const newest: DeliveryRecord[] = [];
    for await (const r of store.newestFirst(filter, stats)) {
      newest.push(r);
      if (newest.length === options.last) break;
    }
    return newest.reverse();
  }
  const picked: DeliveryRecord[] = [];
  for await (const r of store.oldestFirst(filter, stats)) picked.push(r);
  return picked;
}

/** Where a replay goes: --to, else where a sent delivery went, else the app a received one was forwarded to. */
function targetOf(record: DeliveryRecord, to: string | undefined): string {
  if (to) return to;
  if (record.direction === 'sent') return record.request.url;
  if (record.forward) return record.forward.url;
  throw new UsageError(
    `${record.deliveryId} was received, not sent, so it has no target of its own`,
    'pass --to URL (for example your app behind the listener)',
  );
}

export async function replayCommand(ctx: Context, ids: string[], raw: unknown): Promise<number> {
  const options = parseOptions(schema, raw);
  const to = options.to === undefined ? undefined : checkedUrl(options.to);
  const store = await openStore(ctx);
  const stats: ReadStats = { skipped: 0 };
  try {
    return await replay(ctx, store, ids, options, to, stats);
  } finally {
    // Waits for the replays' records.
    await store.close();
  }
}

async function replay(
  ctx: Context,
  store: DeliveryStore,
  ids: string[],
  options: Options,
  to: string | undefined,
  stats: ReadStats,
): Promise<number> {
  const records = await select(ctx, store, ids, options, stats);
  reportSkipped(ctx, stats);
  if (records.length === 0) {
    ctx.err('No deliveries match; nothing to replay.');
    return 0;
  }
  const plans = records.map((original) => {
    const url = targetOf(original, to);
    const exact = {
      body: bodyBytes(original.request),
      headers: forwardableHeaders(original.request.headers),
    };
    const outgoing = options.resign
      ? resignDelivery({
          ...exact,
          scheme: original.scheme,
          provider: original.provider,
          // The secret of the delivery's own provider: the config can name one per provider.
          secret: resolveSecret(options.secret, ctx.env, ctx.config, original.provider ?? undefined).secret,
          fresh: { now: ctx.runtime.now(), uuid: ctx.runtime.uuid },
        })
      : exact;
    return { original, url, ...outgoing };
  });

  if (options.dryRun) {
    for (const plan of plans) {
      if (options.json) {
        ctx.out(
          JSON.stringify({
            replayOf: plan.original.deliveryId,
            url: plan.url,
            headers: plan.headers,
            body: plan.body.toString('utf8'),
          }),
        );
        continue;
      }
      ctx.out(
        `${ctx.color.bold('POST')} ${plan.url}  ${ctx.color.dim(`replay of ${plan.original.deliveryId}`)}  ${plan.original.event ?? '?'}  ${plan.body.length} B${options.resign ? '  re-signed' : '  exact bytes'}`,
      );
      for (const [name, value] of Object.entries(plan.headers))
        ctx.out(`  ${ctx.color.dim(`${name}:`)} ${value}`);
    }
    ctx.err(
      ctx.color.dim(
        `Dry run: ${plans.length} ${plans.length === 1 ? 'delivery' : 'deliveries'} would be sent.`,
      ),
    );
    return 0;
  }

  const log = options.log ? store : undefined;
  const unstored = warnUnstored(ctx);
  const dispatcher = createDispatcher(options.concurrency);
  let failed = 0;
  try {
    await runPool(plans.length, options.concurrency, async (index) => {
      const plan = plans[index]!;
      const { original } = plan;
      const record = await deliver(
        {
          kind: 'replay',
          url: plan.url,
          headers: plan.headers,
          body: plan.body,
          provider: original.provider,
          event: original.event,
          eventId: original.eventId,
          scheme: original.scheme,
          attempt: original.attempt,
          parentId: original.deliveryId,
          groupId: original.groupId,
        },
        { runtime: ctx.runtime, timeoutMs: options.timeout, dispatcher },
      );
      if (!record.ok) failed++;
      void log?.append(record).catch(unstored);
      if (options.json) ctx.out(JSON.stringify({ ...sentJson(record), replayOf: original.deliveryId }));
      else ctx.out(`${renderSent(ctx.color, record)}  ${ctx.color.dim(`replay of ${original.deliveryId}`)}`);
    });
  } finally {
    await dispatcher.close();
  }
  if (failed > 0) throw new FailureError(`${failed} of ${plans.length} replays were not answered with 2xx`);
  if (!options.json)
    ctx.err(
      `Replayed ${plans.length} ${plans.length === 1 ? 'delivery' : 'deliveries'}${options.resign ? ', re-signed' : ', byte for byte'}.`,
    );
  return 0;
}
