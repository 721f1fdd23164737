import { createWriteStream } from 'node:fs';
import { unlink } from 'node:fs/promises';
import path from 'node:path';
import { once } from 'node:events';
import type { DeliveryRecord } from '../core/delivery.js';
import { deliveryJson, logRecord } from '../core/delivery-json.js';
import { UsageError } from '../core/errors.js';
import { HAR_HEAD, HAR_TAIL, harEntry } from '../core/har.js';
import { lineContains, matcher, parseSince, prefilterFor, type LogFilter } from '../core/query.js';
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
import { readFlag } from '../ui/errors.js';
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
const FOLLOW_POLL_MS = 200;

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
  const file = logPath(ctx.env, ctx.cwd);
  const matches = matcher(toFilter(ctx, options));
  const print = (r: DeliveryRecord) =>
    ctx.stream(options.json ? safeJsonLine(deliveryJson(r)) : renderLogRow(ctx.color, deliveryJson(r)));
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
  for await (const record of followDeliveries(file, start, stop.signal, FOLLOW_POLL_MS, ctx.runtime.sleep))
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

export async function logsShowCommand(
  ctx: Context,
  deliveryId: string,
  options: OptionsOf<typeof logsShowOptions>,
): Promise<number> {
  const file = logPath(ctx.env, ctx.cwd);
  const stats: ReadStats = { skipped: 0 };
  const found = await findWithChain(file, deliveryId, stats);
  reportSkipped(ctx, stats);
  if (!found)
    throw new UsageError(`no delivery ${deliveryId} in ${file}`, 'run `mes-webhooks logs` to see the ids');
  if (options.json)
    ctx.out(safeJsonLine({ ...logRecord(found.record), chain: found.chain.map(deliveryJson) }));
  else for (const line of renderShow(ctx.color, found.record, found.chain)) ctx.out(line);
  return 0;
}

export async function logsExportCommand(
  ctx: Context,
  options: OptionsOf<typeof logsExportOptions>,
): Promise<number> {
  const file = logPath(ctx.env, ctx.cwd);
  const matches = matcher(toFilter(ctx, options));
  // `-` is stdout, so the HAR can be piped.
  const toStdout = options.har === '-';
  const target = toStdout ? 'stdout' : path.resolve(ctx.cwd, options.har);
  const out = toStdout ? undefined : createWriteStream(target, { mode: 0o600 });
  if (out)
    await once(out, 'open').catch((error: Error) => {
      throw new UsageError(`cannot write ${target}: ${error.message}`);
    });
  const write = async (text: string) => {
    // On stdout each piece is a line (valid JSON all the same), written as the reader keeps up.
    if (!out) await ctx.stream(text.replace(/\n$/, ''));
    else if (!out.write(text)) await once(out, 'drain');
  };
  const stats: ReadStats = { skipped: 0 };
  let count = 0;
  await write(HAR_HEAD(VERSION));
  for await (const record of readDeliveries(file, stats)) {
    if (!matches(record)) continue;
    await write(`${count++ === 0 ? '' : ','}${JSON.stringify(harEntry(record))}`);
  }
  await write(HAR_TAIL);
  if (out) {
    out.end();
    await once(out, 'finish');
  }
  reportSkipped(ctx, stats);
  ctx.err(
    `Wrote ${count} ${count === 1 ? 'entry' : 'entries'} to ${target}. Import it in your browser's devtools (Network tab).`,
  );
  return 0;
}

export async function logsClearCommand(
  ctx: Context,
  options: OptionsOf<typeof logsClearOptions>,
): Promise<number> {
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
