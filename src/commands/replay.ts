import { bodyBytes, type DeliveryRecord } from '../core/delivery.js';
import { FailureError, UsageError } from '../core/errors.js';
import { runPool } from '../core/pool.js';
import { resignDelivery } from '../core/redeliver.js';
import { createDispatcher } from '../io/http.js';
import type { ReadStats } from '../io/log.js';
import { openStore, type DeliveryStore } from '../io/store.js';
import { deliver } from '../io/sender.js';
import { checkedUrl, registryOf, resolveSecret } from '../io/config.js';
import { forwardableHeaders } from '../server/forward.js';
import { INTERRUPTED_EXIT_CODE, watchInterrupt } from '../pipeline/interrupt.js';
import { openStream } from '../pipeline/wire.js';
import type { Context } from '../ui/context.js';
import type { OptionsOf } from './declare.js';
import { reportSkipped, toFilter } from './logs.js';
import type { replayOptions } from './replay/options.js';
import { stopSends } from './send-stop.js';

type Options = OptionsOf<typeof replayOptions>;

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
    // The last N deliveries made, each once: not what was received, not earlier replays or retries.
    const made = (r: DeliveryRecord) =>
      options.direction === 'received' ? r.kind === 'receive' : r.kind === 'send';
    const newest: DeliveryRecord[] = [];
    for await (const r of store.newestFirst(filter, stats)) {
      if (!made(r)) continue;
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
function targetOf(record: DeliveryRecord, to: string | undefined): string | undefined {
  if (to) return to;
  if (record.direction === 'sent') return record.request.url;
  return record.forward?.url;
}

const NO_TARGET = 'it was received, not sent, so it has no target of its own; pass --to URL';

export async function replayCommand(ctx: Context, ids: string[], options: Options): Promise<number> {
  const to = options.to === undefined ? undefined : checkedUrl(options.to);
  const store = await openStore(ctx, options.logUrl);
  const stats: ReadStats = { skipped: 0 };
  try {
    return await replay(ctx, store, ids, options, to, stats);
  } finally {
    // After the stream: its log sink has written the replays' records.
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
  // The replays are written to the store they were picked from.
  const stream = await openStream(ctx, { json: options.json, log: options.log && !options.dryRun, store });
  const plans: { original: DeliveryRecord; url: string; body: Buffer; headers: Record<string, string> }[] =
    [];
  let skipped = 0;
  for (const original of records) {
    const url = targetOf(original, to);
    if (url === undefined) {
      skipped++;
      await stream.emit({ type: 'skipped', deliveryId: original.deliveryId, reason: NO_TARGET });
      continue;
    }
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
          registry: registryOf(ctx.config),
        })
      : exact;
    plans.push({ original, url, ...outgoing });
  }

  if (options.dryRun) {
    await stream.close();
    for (const plan of plans) {
      if (options.json) {
        ctx.out(
          JSON.stringify({
            type: 'planned',
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

  const dispatcher = createDispatcher(options.concurrency);
  const interrupt = watchInterrupt(ctx);
  let failed = 0;
  let sent = 0;
  // Every replay written is logged and counted, those answered after Ctrl-C too (as send does).
  let written = 0;
  const stop = stopSends(ctx, interrupt, () => written - sent, stream, dispatcher);
  const work = runPool(
    plans.length,
    options.concurrency,
    async (index) => {
      const plan = plans[index]!;
      const { original } = plan;
      written++;
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
      stop.mark(record);
      sent++;
      if (!record.ok) failed++;
      await stream.emit({ type: 'delivery', record });
    },
    () => interrupt.aborted,
  );
  const interrupted = await stop.until(work);
  await stream.emit({
    type: 'summary',
    of: 'replay',
    interrupted,
    sent,
    failed,
    skipped,
    resign: options.resign,
  });
  if (!interrupted) await dispatcher.close();
  await stream.close();
  if (interrupted) return INTERRUPTED_EXIT_CODE;
  if (failed > 0) throw new FailureError(`${failed} of ${sent} replays were not answered with 2xx`);
  return 0;
}
