import { createWriteStream } from 'node:fs';
import { unlink } from 'node:fs/promises';
import path from 'node:path';
import { once } from 'node:events';
import { z } from 'zod';
import type { DeliveryRecord } from '../core/delivery.js';
import { UsageError } from '../core/errors.js';
import { HAR_HEAD, HAR_TAIL, harEntry } from '../core/har.js';
import { lineContains, matcher, parseSince, prefilterFor, summaryOf, type LogFilter } from '../core/query.js';
import {
  followDeliveries,
  logPath,
  logSize,
  readDeliveries,
  readDeliveriesNewestFirst,
  type ReadStats,
} from '../io/log.js';
import type { Context } from '../ui/context.js';
import { renderLogRow, renderShow } from '../ui/render-log.js';
import { VERSION } from '../version.js';
import { intOption, parseOptions, providerOption } from './common.js';
import { safeJsonLine } from '../ui/sanitize.js';

const DEFAULT_TABLE_LIMIT = 50;
const DEFAULT_FOLLOW_BACKLOG = 10;

export const filterShape = {
  event: z.string().min(1).optional(),
  provider: providerOption.optional(),
  direction: z.enum(['sent', 'received'], { error: 'must be sent or received' }).optional(),
  failed: z.boolean().default(false),
  since: z.string().optional(),
};

export function toFilter(
  ctx: Context,
  options: {
    event?: string;
    provider?: string;
    direction?: 'sent' | 'received';
    failed: boolean;
    since?: string;
  },
): LogFilter {
  return {
    event: options.event,
    provider: options.provider,
    direction: options.direction,
    failed: options.failed,
    since: options.since ? parseSince(options.since, ctx.runtime.now()) : undefined,
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

const listSchema = z.object({
  ...filterShape,
  limit: intOption(0).optional(),
  json: z.boolean().default(false),
  follow: z.boolean().default(false),
});

export async function logsCommand(ctx: Context, raw: unknown): Promise<number> {
  const options = parseOptions(listSchema, raw);
  const file = logPath(ctx.env, ctx.cwd);
  const matches = matcher(toFilter(ctx, options));
  const print = (r: DeliveryRecord) =>
    ctx.stream(options.json ? safeJsonLine(summaryOf(r)) : renderLogRow(ctx.color, summaryOf(r)));
  const stats: ReadStats = { skipped: 0 };

  if (options.follow) return follow(ctx, file, matches, print, options.limit ?? DEFAULT_FOLLOW_BACKLOG);

  const limit = options.limit ?? (options.json ? 0 : DEFAULT_TABLE_LIMIT);
  let shown = 0;
  for await (const record of readDeliveriesNewestFirst(file, stats, prefilterFor(options.event))) {
    if (!matches(record)) continue;
    await print(record);
    if (++shown === limit) break;
  }
  reportSkipped(ctx, stats);
  if (!options.json) {
    if (shown === 0) ctx.err(ctx.color.dim(`No deliveries match in ${file}.`));
    else if (shown === limit)
      ctx.err(ctx.color.dim(`The newest ${shown} shown; --limit N for more, --limit 0 for all.`));
  }
  return 0;
}

async function follow(
  ctx: Context,
  file: string,
  matches: (r: DeliveryRecord) => boolean,
  print: (r: DeliveryRecord) => Promise<void>,
  backlog: number,
): Promise<number> {
  const start = await logSize(file);
  const recent: DeliveryRecord[] = [];
  if (backlog > 0) {
    for await (const record of readDeliveriesNewestFirst(file)) {
      if (!matches(record)) continue;
      recent.push(record);
      if (recent.length === backlog) break;
    }
  }
  for (const record of recent.reverse()) await print(record);
  ctx.err(ctx.color.dim(`Following ${file}. Press Ctrl-C to stop.`));
  const stop = new AbortController();
  void ctx.waitForStop().then(() => stop.abort());
  for await (const record of followDeliveries(file, start, stop.signal))
    if (matches(record)) await print(record);
  return 0;
}

/** Every record of one delivery: its attempts, forwards and replays share a group id. */
/**
 * One delivery and every record of its group (attempts, forwards and replays share a group id).
 * Two streaming passes, the first from the newest end where recent ids are found at once, so
 * memory holds one group, not the log.
 */
async function findWithChain(file: string, deliveryId: string, stats?: ReadStats) {
  let record: DeliveryRecord | undefined;
  for await (const r of readDeliveriesNewestFirst(file, undefined, lineContains([deliveryId]))) {
    if (r.deliveryId === deliveryId) {
      record = r;
      break;
    }
  }
  if (!record) return undefined;
  const chain: DeliveryRecord[] = [];
  for await (const r of readDeliveries(file, stats)) if (r.groupId === record.groupId) chain.push(r);
  return { record, chain };
}

const showSchema = z.object({ json: z.boolean().default(false) });

export async function logsShowCommand(ctx: Context, deliveryId: string, raw: unknown): Promise<number> {
  const options = parseOptions(showSchema, raw);
  const file = logPath(ctx.env, ctx.cwd);
  const stats: ReadStats = { skipped: 0 };
  const found = await findWithChain(file, deliveryId, stats);
  reportSkipped(ctx, stats);
  if (!found)
    throw new UsageError(`no delivery ${deliveryId} in ${file}`, 'run `mes-webhooks logs` to see the ids');
  if (options.json) ctx.out(safeJsonLine({ ...found.record, chain: found.chain.map(summaryOf) }));
  else for (const line of renderShow(ctx.color, found.record, found.chain)) ctx.out(line);
  return 0;
}

const exportSchema = z.object({ ...filterShape, har: z.string().min(1, 'names the file to write') });

export async function logsExportCommand(ctx: Context, raw: unknown): Promise<number> {
  const options = parseOptions(exportSchema, raw);
  const file = logPath(ctx.env, ctx.cwd);
  const matches = matcher(toFilter(ctx, options));
  const target = path.resolve(ctx.cwd, options.har);
  const out = createWriteStream(target, { mode: 0o600 });
  const opened = once(out, 'open').catch((error: Error) => {
    throw new UsageError(`cannot write ${target}: ${error.message}`);
  });
  await opened;
  const write = async (text: string) => {
    if (!out.write(text)) await once(out, 'drain');
  };
  const stats: ReadStats = { skipped: 0 };
  let count = 0;
  await write(HAR_HEAD(VERSION));
  for await (const record of readDeliveries(file, stats)) {
    if (!matches(record)) continue;
    await write(`${count++ === 0 ? '' : ','}${JSON.stringify(harEntry(record))}`);
  }
  await write(HAR_TAIL);
  out.end();
  await once(out, 'finish');
  reportSkipped(ctx, stats);
  ctx.err(
    `Wrote ${count} ${count === 1 ? 'entry' : 'entries'} to ${target}. Import it in your browser's devtools (Network tab).`,
  );
  return 0;
}

const clearSchema = z.object({ yes: z.boolean().default(false) });

export async function logsClearCommand(ctx: Context, raw: unknown): Promise<number> {
  const options = parseOptions(clearSchema, raw);
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
