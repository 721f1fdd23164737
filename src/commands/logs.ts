import { unlink } from 'node:fs/promises';
import type { DeliveryRecord } from '../core/delivery.js';
import { deliveryJson, logRecord } from '../core/delivery-json.js';
import { UsageError } from '../core/errors.js';
import { HAR_HEAD, HAR_TAIL, harEntry } from '../core/har.js';
import { matcher, parseSince, type LogFilter } from '../core/query.js';
import { logPath, logSize, type ReadStats } from '../io/log.js';
import { logUrl, openStore, type DeliveryStore } from '../io/store.js';
import type { Context } from '../ui/context.js';
import { renderLogRow, renderShow } from '../ui/render-log.js';
import { VERSION } from '../version.js';
import { readFlag } from '../ui/errors.js';
import { exportTarget } from './export-target.js';
import { safeJsonLine } from '../ui/sanitize.js';
import type { OptionsOf } from './declare.js';
import type {
  logsClearOptions,
  logsExportOptions,
  logsListOptions,
  logsShowOptions,
} from './logs/options.js';

const DEFAULT_TABLE_LIMIT = 50;
const DEFAULT_FOLLOW_BACKLOG = 10;

export function toFilter(
  ctx: Context,
  options: {
    event?: string;
    provider?: string;
    direction?: 'sent' | 'received';
    failed: boolean;
    since?: string;
    schema?: 'valid' | 'invalid' | 'unknown';
  },
): LogFilter {
  return {
    event: options.event,
    provider: options.provider,
    direction: options.direction,
    failed: options.failed,
    since: options.since
      ? readFlag('--since', () => parseSince(options.since!, ctx.runtime.now()))
      : undefined,
    schema: options.schema,
  };
}

export function reportSkipped(ctx: Context, stats: ReadStats): void {
  if (stats.skipped > 0) {
    ctx.err(
      ctx.color.yellow(
        `Skipped ${stats.skipped} unreadable ${stats.skipped === 1 ? 'line' : 'lines'} in the log (garbage, or torn by a crash).`,
      ),
    );
  }
}

export async function logsCommand(ctx: Context, options: OptionsOf<typeof logsListOptions>): Promise<number> {
  const filter = toFilter(ctx, options);
  const print = (r: DeliveryRecord) =>
    ctx.stream(options.json ? safeJsonLine(deliveryJson(r)) : renderLogRow(ctx.color, deliveryJson(r)));
  const stats: ReadStats = { skipped: 0 };
  const store = await openStore(ctx, options.logUrl);
  try {
    if (options.follow)
      return await follow(ctx, store, filter, print, options.limit ?? DEFAULT_FOLLOW_BACKLOG);
    return await list(ctx, store, filter, print, options, stats);
  } finally {
    await store.close();
  }
}

async function list(
  ctx: Context,
  store: DeliveryStore,
  filter: LogFilter,
  print: (r: DeliveryRecord) => Promise<void>,
  options: { limit?: number; json: boolean },
  stats: ReadStats,
): Promise<number> {
  const limit = options.limit ?? (options.json ? 0 : DEFAULT_TABLE_LIMIT);
  let shown = 0;
  for await (const record of store.newestFirst(filter, stats)) {
    await print(record);
    if (++shown === limit) break;
  }
  reportSkipped(ctx, stats);
  if (!options.json) {
    if (shown === 0) ctx.err(ctx.color.dim(`No deliveries match in ${store.where}.`));
    else if (shown === limit)
      ctx.err(ctx.color.dim(`The newest ${shown} shown; --limit N for more, --limit 0 for all.`));
  }
  return 0;
}

async function follow(
  ctx: Context,
  store: DeliveryStore,
  filter: LogFilter,
  print: (r: DeliveryRecord) => Promise<void>,
  backlog: number,
): Promise<number> {
  const matches = matcher(filter);
  const stop = new AbortController();
  // Following starts before the backlog is read, so nothing written in between is missed.
  const following = await store.follow(stop.signal, ctx.runtime.sleep);
  const recent: DeliveryRecord[] = [];
  if (backlog > 0) {
    for await (const record of store.newestFirst(filter)) {
      recent.push(record);
      if (recent.length === backlog) break;
    }
  }
  for (const record of recent.reverse()) await print(record);
  ctx.err(ctx.color.dim(`Following ${store.where}. Press Ctrl-C to stop.`));
  void ctx.waitForStop().then(() => stop.abort());
  for await (const record of following) if (matches(record)) await print(record);
  return 0;
}

/**
 * One delivery and every record of its group (attempts, forwards and replays share a group id):
 * memory holds one group, not the log.
 */
async function findWithChain(store: DeliveryStore, deliveryId: string, stats?: ReadStats) {
  const record = (await store.find([deliveryId])).get(deliveryId);
  if (!record) return undefined;
  return { record, chain: await store.group(record.groupId, stats) };
}

export async function logsShowCommand(
  ctx: Context,
  deliveryId: string,
  options: OptionsOf<typeof logsShowOptions>,
): Promise<number> {
  const store = await openStore(ctx, options.logUrl);
  const stats: ReadStats = { skipped: 0 };
  const found = await findWithChain(store, deliveryId, stats).finally(() => store.close());
  reportSkipped(ctx, stats);
  if (!found)
    throw new UsageError(
      `no delivery ${deliveryId} in ${store.where}`,
      'run `mes-webhooks logs` to see the ids',
    );
  if (options.json)
    ctx.out(safeJsonLine({ ...logRecord(found.record), chain: found.chain.map(deliveryJson) }));
  else for (const line of renderShow(ctx.color, found.record, found.chain)) ctx.out(line);
  return 0;
}

export async function logsExportCommand(
  ctx: Context,
  options: OptionsOf<typeof logsExportOptions>,
): Promise<number> {
  if ((options.har === undefined) === (options.jsonl === undefined))
    throw new UsageError('name the file to write with --har or --jsonl (one of them)');
  const store = await openStore(ctx, options.logUrl);
  try {
    if (options.jsonl !== undefined) {
      const { exportJsonl } = await import('./logs-move.js');
      return await exportJsonl(ctx, store, toFilter(ctx, options), options.jsonl);
    }
    return await exportHar(ctx, store, toFilter(ctx, options), options.har!);
  } finally {
    await store.close();
  }
}

async function exportHar(
  ctx: Context,
  store: DeliveryStore,
  filter: LogFilter,
  har: string,
): Promise<number> {
  // `-` is stdout, so the HAR can be piped.
  const target = await exportTarget(ctx, har);
  const stats: ReadStats = { skipped: 0 };
  let count = 0;
  try {
    await target.write(HAR_HEAD(VERSION));
    for await (const record of store.oldestFirst(filter, stats)) {
      await target.write(`${count++ === 0 ? '' : ','}${JSON.stringify(harEntry(record))}`);
    }
    await target.write(HAR_TAIL);
  } finally {
    await target.end();
  }
  reportSkipped(ctx, stats);
  ctx.err(
    `Wrote ${count} ${count === 1 ? 'entry' : 'entries'} to ${target.where}. Import it in your browser's devtools (Network tab).`,
  );
  return 0;
}

export async function logsClearCommand(
  ctx: Context,
  options: OptionsOf<typeof logsClearOptions>,
): Promise<number> {
  if (logUrl(ctx.env, options.logUrl))
    throw new UsageError(
      'the shared delivery history in the database is append-only; logs clear empties only the file log',
      'unset --log-url / MES_WEBHOOKS_LOG_URL to clear the file log',
    );
  const file = logPath(ctx.env, ctx.cwd);
  const size = await logSize(file);
  if (size === 0) {
    ctx.err(`The delivery log ${file} is already empty.`);
    return 0;
  }
  if (!options.yes) {
    if (!(ctx.stdinIsTTY && ctx.interactive)) {
      throw new UsageError(`not clearing ${file} without confirmation`, 'pass --yes to clear it');
    }
    const { confirm } = await import('@inquirer/prompts');
    const sure = await confirm({ message: `Delete every delivery in ${file}?`, default: false });
    if (!sure) {
      ctx.err('Left the delivery log as it was.');
      return 0;
    }
  }
  await unlink(file);
  ctx.err(`Cleared ${file}.`);
  return 0;
}
