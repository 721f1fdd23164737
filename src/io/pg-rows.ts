import type { DeliveryRecord, RecordedBody } from '../core/delivery.js';
import type { LogFilter } from '../core/query.js';

export const TABLE = 'mes_webhooks_deliveries';
export const CHANNEL = 'mes_webhooks_deliveries';

/** Created on first use; two processes starting at once take turns through the advisory lock. */
export const SCHEMA = `
SELECT pg_advisory_xact_lock(hashtext('${TABLE}'));
CREATE TABLE IF NOT EXISTS ${TABLE} (
  seq bigserial PRIMARY KEY,
  delivery_id text NOT NULL UNIQUE,
  group_id text NOT NULL,
  at timestamptz NOT NULL,
  direction text NOT NULL,
  kind text NOT NULL,
  provider text,
  event text,
  event_id text,
  status integer,
  ok boolean NOT NULL,
  record json NOT NULL,
  request_body bytea,
  response_body bytea,
  stored_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX IF NOT EXISTS ${TABLE}_at ON ${TABLE} (at);
CREATE INDEX IF NOT EXISTS ${TABLE}_event ON ${TABLE} (event);
CREATE INDEX IF NOT EXISTS ${TABLE}_provider ON ${TABLE} (provider);
CREATE INDEX IF NOT EXISTS ${TABLE}_status ON ${TABLE} (status);
CREATE INDEX IF NOT EXISTS ${TABLE}_direction ON ${TABLE} (direction);
CREATE INDEX IF NOT EXISTS ${TABLE}_group ON ${TABLE} (group_id);
CREATE OR REPLACE FUNCTION ${TABLE}_append_only() RETURNS trigger LANGUAGE plpgsql AS
  $$ BEGIN RAISE EXCEPTION 'the delivery history is append-only'; END $$;
CREATE OR REPLACE TRIGGER ${TABLE}_append_only BEFORE UPDATE ON ${TABLE}
  FOR EACH ROW EXECUTE FUNCTION ${TABLE}_append_only();
`;

export const COLUMNS =
  'delivery_id, group_id, at, direction, kind, provider, event, event_id, status, ok, record, request_body, response_body';
export const PER_ROW = 13;

/** The URL with its password hidden, for messages. */
export function redactUrl(url: string): string {
  try {
    const parsed = new URL(url);
    if (parsed.password) parsed.password = '***';
    return parsed.toString();
  } catch {
    return 'the log URL';
  }
}

/** Bodies go in bytea columns; the JSON keeps a null in their place, so key order (and bytes) survive. */
function bodyColumn(recorded: RecordedBody | undefined): Buffer | null {
  if (!recorded) return null;
  const bytes = Buffer.from(recorded.body, recorded.bodyEncoding === 'base64' ? 'base64' : 'utf8');
  // Text that does not survive a trip through UTF-8 (lone surrogates) stays in the JSON as it is.
  const exact =
    recorded.bodyEncoding === 'base64'
      ? bytes.toString('base64') === recorded.body
      : bytes.toString('utf8') === recorded.body;
  return exact ? bytes : null;
}

export function rowValues(record: DeliveryRecord): unknown[] {
  const requestBody = bodyColumn(record.request);
  const responseBody = bodyColumn(record.response);
  const stripped = {
    ...record,
    request: { ...record.request, ...(requestBody ? { body: null } : {}) },
    ...(record.response ? { response: { ...record.response, ...(responseBody ? { body: null } : {}) } } : {}),
  };
  return [
    record.deliveryId,
    record.groupId,
    record.at,
    record.direction,
    record.kind,
    record.provider,
    record.event,
    record.eventId,
    record.status,
    record.ok,
    JSON.stringify(stripped),
    requestBody,
    responseBody,
  ];
}

export interface Row {
  seq: string;
  record: DeliveryRecord;
  request_body: Buffer | null;
  response_body: Buffer | null;
}

export function fromRow(row: Row): DeliveryRecord {
  const record = row.record;
  const fill = (recorded: RecordedBody | undefined, bytes: Buffer | null) => {
    if (recorded && bytes)
      recorded.body = bytes.toString(recorded.bodyEncoding === 'base64' ? 'base64' : 'utf8');
  };
  fill(record.request, row.request_body);
  fill(record.response, row.response_body);
  return record;
}

/** The filter as SQL conditions, so the database narrows the rows; the matcher still has the last word. */
export function whereOf(filter: LogFilter, params: unknown[]): string[] {
  const where: string[] = [];
  const param = (value: unknown) => `$${params.push(value)}`;
  if (filter.event) {
    const like = filter.event.replace(/[\\%_]/g, '\\$&').replace(/\*/g, '%');
    where.push(`event LIKE ${param(like)}`);
  }
  if (filter.provider) where.push(`provider = ${param(filter.provider)}`);
  if (filter.direction) where.push(`direction = ${param(filter.direction)}`);
  if (filter.failed) where.push('NOT ok');
  if (filter.since) where.push(`at >= ${param(filter.since.toISOString())}`);
  if (filter.originalsOnly) where.push(`kind <> 'forward'`);
  return where;
}

/** A clear sentence for why the database could not be used. */
export function describePgError(error: unknown): string {
  const e = error as { code?: string; message?: string; errors?: { message?: string }[] };
  if (e.code === 'ECONNREFUSED') return 'the database server refused the connection (is it running?)';
  if (e.code === 'ENOTFOUND') return 'the database host was not found';
  return e.message || e.errors?.[0]?.message || String(error);
}
