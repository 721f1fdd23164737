import pg from 'pg';
import type { DeliveryRecord } from '../core/delivery.js';
import { logRecord } from '../core/delivery-json.js';
import { FailureError, UsageError } from '../core/errors.js';
import { matcher, type LogFilter } from '../core/query.js';
import type { ReadStats } from './log.js';
import {
  CHANNEL,
  COLUMNS,
  describePgError,
  fromRow,
  PER_ROW,
  redactUrl,
  rowValues,
  SCHEMA,
  TABLE,
  whereOf,
  type Row,
} from './pg-rows.js';
import type { DeliveryStore, ImportResult } from './store.js';
import { readJsonlLines } from './store.js';

const PAGE_ROWS = 500;
/** Rows in one INSERT: appends queued while one is under way go out together. */
const MAX_BATCH_ROWS = 500;
const CONNECT_TIMEOUT_MS = 5_000;
const RECONNECT_MS = 500;
const FOLLOW_WINDOW = 1000n;

type Queued = { record: DeliveryRecord; done: () => void; fail: (e: unknown) => void };

export class PgStore implements DeliveryStore {
  readonly shared = true;
  readonly where: string;
  private queue: Queued[] = [];
  private writing: Promise<void> | undefined;

  constructor(
    private readonly url: string,
    private readonly pool: pg.Pool,
  ) {
    this.where = redactUrl(url);
  }

  append(record: DeliveryRecord): Promise<void> {
    // Kept as the file log writes it, so a record exported as JSONL is the file's line byte for byte.
    const line = logRecord(record) as unknown as DeliveryRecord;
    return new Promise((resolve, reject) => {
      this.queue.push({ record: line, done: resolve, fail: reject });
      this.writing ??= this.drain();
    });
  }

  private async drain(): Promise<void> {
    try {
      while (this.queue.length > 0) {
        const batch = this.queue.splice(0, MAX_BATCH_ROWS);
        try {
          await this.insert(batch.map((b) => b.record));
          for (const item of batch) item.done();
        } catch (error) {
          for (const item of batch) item.fail(new Error(describePgError(error)));
        }
      }
    } finally {
      this.writing = undefined;
    }
  }

  /** One statement, so one commit: the rows and their notification, or neither. */
  private async insert(records: DeliveryRecord[]): Promise<number> {
    const params: unknown[] = [];
    const rows = records.map((r) => {
      const at = params.length;
      params.push(...rowValues(r));
      return `(${Array.from({ length: PER_ROW }, (_, i) => `$${at + i + 1}`).join(', ')})`;
    });
    const result = await this.pool.query(
      `WITH added AS (INSERT INTO ${TABLE} (${COLUMNS}) VALUES ${rows.join(', ')}
         ON CONFLICT (delivery_id) DO NOTHING RETURNING seq)
       SELECT count(*)::int AS n, pg_notify('${CHANNEL}', max(seq)::text) FROM added HAVING count(*) > 0`,
      params,
    );
    return (result.rows[0] as { n: number } | undefined)?.n ?? 0;
  }

  private async *pages(
    filter: LogFilter,
    newest: boolean,
    extra: (params: unknown[]) => string[] = () => [],
  ): AsyncGenerator<DeliveryRecord> {
    for await (const [, record] of this.rows(filter, newest, extra)) yield record;
  }

  /** Keyset pages by insertion order: memory holds one page, not the table. */
  private async *rows(
    filter: LogFilter,
    newest: boolean,
    extra: (params: unknown[]) => string[] = () => [],
  ): AsyncGenerator<[string, DeliveryRecord]> {
    const matches = matcher(filter);
    let cursor: string | undefined;
    for (;;) {
      const params: unknown[] = [];
      const where = [...whereOf(filter, params), ...extra(params)];
      if (cursor !== undefined) where.push(`seq ${newest ? '<' : '>'} $${params.push(cursor)}`);
      const { rows } = await this.pool.query<Row>(
        `SELECT seq::text AS seq, record, request_body, response_body FROM ${TABLE}
         ${where.length ? `WHERE ${where.join(' AND ')}` : ''}
         ORDER BY ${TABLE}.seq ${newest ? 'DESC' : 'ASC'} LIMIT ${PAGE_ROWS}`,
        params,
      );
      for (const row of rows) {
        const record = fromRow(row);
        if (matches(record)) yield [row.seq, record];
      }
      if (rows.length < PAGE_ROWS) return;
      cursor = rows[rows.length - 1]!.seq;
    }
  }

  newestFirst(filter: LogFilter = {}, _stats?: ReadStats): AsyncIterable<DeliveryRecord> {
    return this.pages(filter, true);
  }

  oldestFirst(filter: LogFilter = {}, _stats?: ReadStats): AsyncIterable<DeliveryRecord> {
    return this.pages(filter, false);
  }

  async find(ids: readonly string[]): Promise<Map<string, DeliveryRecord>> {
    const found = new Map<string, DeliveryRecord>();
    for await (const r of this.pages({}, false, (p) => [`delivery_id = ANY(${`$${p.push([...ids])}`})`]))
      found.set(r.deliveryId, r);
    return found;
  }

  async group(groupId: string): Promise<DeliveryRecord[]> {
    const chain: DeliveryRecord[] = [];
    for await (const r of this.pages({}, false, (p) => [`group_id = $${p.push(groupId)}`])) chain.push(r);
    return chain;
  }

  /** LISTEN on its own connection; a lost connection is made again and the rows missed are read. */
  async follow(signal: AbortSignal): Promise<AsyncIterable<DeliveryRecord>> {
    let wake: () => void = () => {};
    let client: pg.Client | undefined;
    const connect = async () => {
      const c = new pg.Client({ connectionString: this.url, connectionTimeoutMillis: CONNECT_TIMEOUT_MS });
      c.on('notification', () => wake());
      c.on('error', () => {
        client = undefined;
        wake();
      });
      await c.connect();
      await c.query(`LISTEN ${CHANNEL}`);
      client = c;
    };
    await connect();
    const { rows } = await this.pool.query<{ seq: string }>(
      `SELECT coalesce(max(seq), 0)::text AS seq FROM ${TABLE}`,
    );
    const pool = this.pool;
    const rowsAfter = this.rows.bind(this);
    // Two writers can commit out of seq order: the later seq first. Rows are looked for back to
    // FOLLOW_WINDOW seqs behind the highest seen, and the ones already yielded remembered.
    let high = BigInt(rows[0]!.seq);
    const seen = new Set<bigint>();
    const unseenAfter = async (): Promise<string[]> => {
      const low = high - FOLLOW_WINDOW;
      for (const seq of seen) if (seq <= low) seen.delete(seq);
      const found = await pool.query<{ seq: string }>(
        `SELECT seq::text AS seq FROM ${TABLE} WHERE seq > $1`,
        [String(low)],
      );
      return found.rows.map((r) => r.seq).filter((seq) => !seen.has(BigInt(seq)));
    };
    // What is there already is history, not news.
    for (const seq of await unseenAfter()) seen.add(BigInt(seq));
    const stop = () => wake();
    signal.addEventListener('abort', stop, { once: true });
    return (async function* () {
      try {
        while (!signal.aborted) {
          const woken = new Promise<void>((resolve) => (wake = resolve));
          try {
            if (!client) await connect();
            const fresh = await unseenAfter();
            if (fresh.length > 0) {
              for await (const [seq, r] of rowsAfter({}, false, (p) => [
                `seq = ANY($${p.push(fresh)}::bigint[])`,
              ])) {
                const n = BigInt(seq);
                seen.add(n);
                if (n > high) high = n;
                yield r;
              }
            }
          } catch {
            // The database is away: try again shortly.
            setTimeout(() => wake(), RECONNECT_MS).unref();
          }
          if (!signal.aborted) await woken;
        }
      } finally {
        signal.removeEventListener('abort', stop);
        await client?.end().catch(() => {});
      }
    })();
  }

  async importJsonl(file: string, stats?: ReadStats): Promise<ImportResult> {
    const result: ImportResult = { added: 0, duplicates: 0 };
    let batch: DeliveryRecord[] = [];
    const flush = async () => {
      if (batch.length === 0) return;
      // Ids repeated inside one batch would make one INSERT touch a row twice.
      const unique = [...new Map(batch.map((r) => [r.deliveryId, r])).values()];
      const added = await this.insert(unique).catch((error: unknown) => {
        throw new FailureError(
          `the import stopped after ${result.added} deliveries: ${describePgError(error)}`,
          'run it again: deliveries already imported are left as they are',
        );
      });
      result.added += added;
      result.duplicates += batch.length - added;
      batch = [];
    };
    for await (const record of readJsonlLines(file, stats)) {
      batch.push(record);
      if (batch.length === MAX_BATCH_ROWS) await flush();
    }
    await flush();
    return result;
  }

  async close(): Promise<void> {
    while (this.writing) await this.writing;
    await this.pool.end();
  }
}

/** Connects, creates the table on first use, and turns a bad URL or password into a usage error. */
export async function openPgStore(url: string): Promise<PgStore> {
  const pool = new pg.Pool({ connectionString: url, max: 4, connectionTimeoutMillis: CONNECT_TIMEOUT_MS });
  // An idle connection dropped by the server must not end the process; the next query reconnects.
  pool.on('error', () => {});
  try {
    // The DDL only when the table is missing: replacing its trigger would briefly hold up writers.
    const { rows } = await pool.query<{ t: string | null }>('SELECT to_regclass($1)::text AS t', [TABLE]);
    if (rows[0]?.t == null) await pool.query(SCHEMA);
  } catch (error) {
    await pool.end().catch(() => {});
    throw new UsageError(
      `cannot use the delivery database ${redactUrl(url)}: ${describePgError(error)}`,
      'check --log-url / MES_WEBHOOKS_LOG_URL: host, port, database, user and password',
    );
  }
  return new PgStore(url, pool);
}
