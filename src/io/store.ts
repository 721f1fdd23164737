import { createReadStream } from 'node:fs';
import type { DeliveryRecord, RecordedBody } from '../core/delivery.js';
import { UsageError } from '../core/errors.js';
import { lineContains, matcher, prefilterFor, type LogFilter } from '../core/query.js';
import type { Context } from '../ui/context.js';
import {
  DeliveryLog,
  followDeliveries,
  logPath,
  logSize,
  readDeliveries,
  readDeliveriesNewestFirst,
  type ReadStats,
} from './log.js';
import type { Runtime } from './runtime.js';
import { readLines } from './read-lines.js';

export const LOG_URL_ENV = 'MES_WEBHOOKS_LOG_URL';
/** How often a followed file is looked at for new records. */
const FOLLOW_POLL_MS = 200;

export interface ImportResult {
  added: number;
  /** Records whose delivery id the store already held. */
  duplicates: number;
}

/** Where deliveries are kept: the JSONL file (the default) or a shared PostgreSQL database. */
export interface DeliveryStore {
  /** For messages: the file path, or the database URL without its password. */
  readonly where: string;
  /** Several processes write it and see each other's records (a database). */
  readonly shared: boolean;
  /**
   * Resolves once the record is durable (written, or committed). `line` is its log line when the
   * caller already has it (`logLine(record)`, made once for every sink).
   */
  append(record: DeliveryRecord, line?: string): Promise<void>;
  /** Appends a burst of records; resolves once all of them are durable. */
  appendAll?(records: readonly DeliveryRecord[]): Promise<void>;
  /** Gets ready to append now (the file is created 0600), so an unwritable log shows at once. */
  open?(): Promise<void>;
  /** Records matching the filter, newest first, streamed. */
  newestFirst(filter?: LogFilter, stats?: ReadStats): AsyncIterable<DeliveryRecord>;
  /** Records matching the filter, oldest first, streamed. */
  oldestFirst(filter?: LogFilter, stats?: ReadStats): AsyncIterable<DeliveryRecord>;
  /** The records with these ids that exist. */
  find(ids: readonly string[], stats?: ReadStats): Promise<Map<string, DeliveryRecord>>;
  /** Every record of one group (attempts, forwards and replays), oldest first. */
  group(groupId: string, stats?: ReadStats): Promise<DeliveryRecord[]>;
  /**
   * Records appended from now on, by any writer, until `signal` aborts. Starts before it resolves.
   * The file is polled with `sleep` (the injected clock); the database is woken by notifications.
   */
  follow(signal: AbortSignal, sleep?: Runtime['sleep']): Promise<AsyncIterable<DeliveryRecord>>;
  /** Adds the records of a JSONL log file, skipping ids already held. */
  importJsonl(file: string, stats?: ReadStats): Promise<ImportResult>;
  close(): Promise<void>;
}

/** The log URL in force: `--log-url` when given, else MES_WEBHOOKS_LOG_URL; none means the file. */
export function logUrl(env: NodeJS.ProcessEnv, option?: string): string | undefined {
  const url = (option ?? env[LOG_URL_ENV])?.trim();
  return url ? url : undefined;
}

/** Opens the store the user chose; the database client is loaded only when a URL is given. */
export async function openStore(ctx: Pick<Context, 'env' | 'cwd'>, option?: string): Promise<DeliveryStore> {
  const url = logUrl(ctx.env, option);
  if (!url) return new FileStore(logPath(ctx.env, ctx.cwd));
  if (!/^postgres(ql)?:\/\//.test(url))
    throw new UsageError(
      `the log URL must start with postgres:// or postgresql://; got "${url.split('@').pop()}"`,
      `set --log-url or ${LOG_URL_ENV} to e.g. postgres://user:password@localhost:5432/webhooks`,
    );
  const { openPgStore } = await import('./pg-log.js');
  return openPgStore(url);
}

const isBody = (b: unknown) =>
  typeof b === 'object' &&
  b !== null &&
  typeof (b as RecordedBody).body === 'string' &&
  ((b as RecordedBody).bodyEncoding === 'utf8' || (b as RecordedBody).bodyEncoding === 'base64');

/** A record with the fields a store indexes, of the right types: anything else is not imported. */
export function isStorable(r: unknown): r is DeliveryRecord {
  if (typeof r !== 'object' || r === null) return false;
  const d = r as DeliveryRecord;
  const optionalText = (v: unknown) => v === null || typeof v === 'string';
  return (
    typeof d.deliveryId === 'string' &&
    d.deliveryId !== '' &&
    typeof d.groupId === 'string' &&
    typeof d.at === 'string' &&
    /^\d{4}-\d{2}-\d{2}T/.test(d.at) &&
    !Number.isNaN(Date.parse(d.at)) &&
    (d.direction === 'sent' || d.direction === 'received') &&
    typeof d.kind === 'string' &&
    optionalText(d.provider) &&
    optionalText(d.event) &&
    optionalText(d.eventId) &&
    (d.status === null || Number.isInteger(d.status)) &&
    typeof d.ok === 'boolean' &&
    isBody(d.request) &&
    (d.response === undefined || isBody(d.response))
  );
}

/** Streams the records of a JSONL file with the exact text of each line, skipping unreadable lines. */
export async function* readJsonlLines(
  file: string,
  stats: ReadStats = { skipped: 0 },
): AsyncGenerator<DeliveryRecord> {
  const input = createReadStream(file, { encoding: 'utf8' });
  const opened = new Promise<void>((resolve, reject) => {
    input.once('open', () => resolve());
    input.once('error', reject);
  });
  try {
    await opened;
  } catch (error) {
    throw new UsageError(`cannot read ${file}: ${(error as Error).message}`);
  }
  for await (const line of readLines({ input, crlfDelay: Infinity })) {
    if (line.trim() === '') continue;
    try {
      const record = JSON.parse(line);
      if (isStorable(record)) {
        yield record;
        continue;
      }
    } catch {
      // Counted below.
    }
    stats.skipped++;
  }
}

/** The JSONL file log behind the store interface. */
export class FileStore implements DeliveryStore {
  readonly shared = false;
  private readonly log: DeliveryLog;

  constructor(readonly where: string) {
    this.log = new DeliveryLog(where);
  }

  append(record: DeliveryRecord, line?: string): Promise<void> {
    return this.log.append(record, line);
  }

  appendAll(records: readonly DeliveryRecord[]): Promise<void> {
    return this.log.appendAll(records);
  }

  open(): Promise<void> {
    return this.log.open();
  }

  async *newestFirst(filter: LogFilter = {}, stats?: ReadStats): AsyncGenerator<DeliveryRecord> {
    const matches = matcher(filter);
    for await (const r of readDeliveriesNewestFirst(this.where, stats, prefilterFor(filter.event)))
      if (matches(r)) yield r;
  }

  async *oldestFirst(filter: LogFilter = {}, stats?: ReadStats): AsyncGenerator<DeliveryRecord> {
    const matches = matcher(filter);
    for await (const r of readDeliveries(this.where, stats)) if (matches(r)) yield r;
  }

  async find(ids: readonly string[], stats?: ReadStats): Promise<Map<string, DeliveryRecord>> {
    const wanted = new Set(ids);
    const found = new Map<string, DeliveryRecord>();
    // One id: search from the newest end, where recent ids are found at once.
    if (ids.length === 1) {
      for await (const r of readDeliveriesNewestFirst(this.where, stats, lineContains([ids[0]!]))) {
        if (r.deliveryId === ids[0]) {
          found.set(r.deliveryId, r);
          break;
        }
      }
      return found;
    }
    for await (const r of readDeliveries(this.where, stats))
      if (wanted.has(r.deliveryId)) found.set(r.deliveryId, r);
    return found;
  }

  async group(groupId: string, stats?: ReadStats): Promise<DeliveryRecord[]> {
    const chain: DeliveryRecord[] = [];
    for await (const r of readDeliveries(this.where, stats)) if (r.groupId === groupId) chain.push(r);
    return chain;
  }

  async follow(signal: AbortSignal, sleep?: Runtime['sleep']): Promise<AsyncIterable<DeliveryRecord>> {
    const start = await logSize(this.where);
    return followDeliveries(this.where, start, signal, FOLLOW_POLL_MS, sleep);
  }

  async importJsonl(file: string, stats?: ReadStats): Promise<ImportResult> {
    // Ids only, not records: memory stays small next to the log.
    const held = new Set<string>();
    for await (const r of readDeliveries(this.where)) held.add(r.deliveryId);
    const result: ImportResult = { added: 0, duplicates: 0 };
    // Appends queue and go out in large writes; waiting every thousand keeps memory bounded.
    let pending: Promise<void>[] = [];
    for await (const record of readJsonlLines(file, stats)) {
      if (held.has(record.deliveryId)) {
        result.duplicates++;
        continue;
      }
      held.add(record.deliveryId);
      pending.push(this.log.append(record));
      result.added++;
      if (pending.length === 1000) {
        await Promise.all(pending);
        pending = [];
      }
    }
    await Promise.all(pending);
    return result;
  }

  close(): Promise<void> {
    return this.log.close();
  }
}
