import path from 'node:path';
import { UsageError } from '../core/errors.js';
import type { LogFilter } from '../core/query.js';
import type { ReadStats } from '../io/log.js';
import { openStore, type DeliveryStore } from '../io/store.js';
import type { Context } from '../ui/context.js';
import type { OptionsOf } from './declare.js';
import { exportTarget } from './export-target.js';
import { reportSkipped } from './logs.js';
import type { logsImportOptions } from './logs/options.js';

/**
 * Writes the records oldest first, one JSON line each, as the file log holds them: a file log
 * exported, imported into a database and exported again comes back byte for byte.
 */
export async function exportJsonl(
  ctx: Context,
  store: DeliveryStore,
  filter: LogFilter,
  file: string,
): Promise<number> {
  const target = await exportTarget(ctx, file);
  const stats: ReadStats = { skipped: 0 };
  let count = 0;
  try {
    for await (const record of store.oldestFirst(filter, stats)) {
      count++;
      await target.write(`${JSON.stringify(record)}\n`);
    }
  } finally {
    await target.end();
  }
  reportSkipped(ctx, stats);
  ctx.err(
    `Wrote ${count} ${count === 1 ? 'delivery' : 'deliveries'} from ${store.where} to ${target.where}.`,
  );
  return 0;
}

export async function logsImportCommand(
  ctx: Context,
  file: string,
  options: OptionsOf<typeof logsImportOptions>,
): Promise<number> {
  const source = path.resolve(ctx.cwd, file);
  const store = await openStore(ctx, options.logUrl);
  if (!store.shared && path.resolve(store.where) === source)
    throw new UsageError(`${source} is the log itself`, 'import into a database with --log-url');
  const stats: ReadStats = { skipped: 0 };
  const { added, duplicates } = await store.importJsonl(source, stats).finally(() => store.close());
  reportSkipped(ctx, stats);
  ctx.err(
    `Imported ${added} ${added === 1 ? 'delivery' : 'deliveries'} into ${store.where}` +
      (duplicates > 0 ? `; ${duplicates} already there, left as they were.` : '.'),
  );
  return 0;
}
