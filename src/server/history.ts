import { bodySize, type DeliveryRecord, type RecordedBody } from '../core/delivery.js';
import { logRecord } from '../core/delivery-json.js';

export const HISTORY_COUNT = 500;
/** The feed's history is capped in bytes too: 500 one-megabyte bodies must not sit in memory. */
export const HISTORY_BYTES = 8 * 1024 * 1024;
/** Bodies longer than this are kept as their start plus their size; the whole body is in the log. */
export const PREVIEW_CHARS = 16 * 1024;
/** What a record kept as its text is counted beyond the text's characters. */
const SEALED_ALLOWANCE = 64;

/** A body as the feed and inspector keep it: cut to a preview when large. */
export type KeptBody = RecordedBody & { truncated?: true; bytes?: number };

function preview<T extends RecordedBody>(part: T): T & KeptBody {
  if (part.body.length <= PREVIEW_CHARS) return part;
  return { ...part, body: part.body.slice(0, PREVIEW_CHARS), truncated: true, bytes: bodySize(part) };
}

/** The record as the feed sends it: large bodies cut to a preview. */
export function keptRecord(record: DeliveryRecord): DeliveryRecord {
  const request = preview(record.request);
  const response = record.response && preview(record.response);
  if (request === record.request && response === record.response) return record;
  return { ...record, request, ...(response ? { response } : {}) };
}

export function isTruncated(record: DeliveryRecord): boolean {
  return (record.request as KeptBody).truncated === true;
}

interface Entry {
  /** The record as kept; gone once it is sealed to its text. */
  record?: DeliveryRecord;
  /** The record's JSON (the log's shape), made once, when a feed client first needs it. */
  text?: string;
  /** Kept whole, not as a preview: its text is its log line. */
  whole: boolean;
  /** What it holds in memory, in characters: its bodies and headers, then its JSON once made. */
  size: number;
}

/** About the characters a kept record holds: what can be large in it, plus a fixed allowance. */
function estimate(record: DeliveryRecord): number {
  let size = 512 + record.request.url.length + record.request.body.length;
  const headers = record.request.headers;
  for (const name in headers) size += name.length + headers[name]!.length;
  if (record.response) size += record.response.body.length + 256;
  return size;
}

/**
 * The deliveries of this run, newest last, bounded in count and in characters. A record's JSON
 * is made only when the feed has a client to send it to, so a listener nobody watches pays nothing.
 */
export class History {
  private readonly entries = new Map<string, Entry>();
  private bytes = 0;

  constructor(
    private readonly maxCount = HISTORY_COUNT,
    private readonly maxBytes = HISTORY_BYTES,
  ) {}

  /** Keeps a record (as a preview when large), in place of any with its id. */
  add(record: DeliveryRecord): void {
    const kept = keptRecord(record);
    const before = this.entries.get(kept.deliveryId);
    if (before) {
      this.bytes -= before.size;
      this.entries.delete(kept.deliveryId);
    }
    const entry: Entry = { record: kept, whole: kept === record, size: estimate(kept) };
    this.entries.set(kept.deliveryId, entry);
    this.bytes += entry.size;
    this.trim();
  }

  private trim(): void {
    while (this.entries.size > 1 && (this.entries.size > this.maxCount || this.bytes > this.maxBytes)) {
      const [id, oldest] = this.entries.entries().next().value!;
      this.entries.delete(id);
      this.bytes -= oldest.size;
    }
  }

  /**
   * Keeps a record kept whole as its log line, already made for the log, instead of as objects: the
   * last 500 deliveries then outlive the young generation as one string each, not as a graph of
   * objects the collector copies. Read back (parsed) only when the inspector or a resend asks.
   */
  seal(id: string, line: string): void {
    const entry = this.entries.get(id);
    if (!entry?.whole || entry.text !== undefined) return;
    entry.record = undefined;
    entry.text = line;
    this.bytes += line.length + SEALED_ALLOWANCE - entry.size;
    entry.size = line.length + SEALED_ALLOWANCE;
    this.trim();
  }

  private recordOf(entry: Entry): DeliveryRecord {
    return entry.record ?? (JSON.parse(entry.text!) as DeliveryRecord);
  }

  private textOfEntry(entry: Entry): string {
    if (entry.text === undefined) {
      entry.text = JSON.stringify(logRecord(entry.record!));
      entry.size += entry.text.length;
      this.bytes += entry.text.length;
    }
    return entry.text;
  }

  has(id: string): boolean {
    return this.entries.has(id);
  }

  get(id: string): DeliveryRecord | undefined {
    const entry = this.entries.get(id);
    return entry && this.recordOf(entry);
  }

  /** A kept record's JSON, for the feed. */
  textOf(id: string): string | undefined {
    const entry = this.entries.get(id);
    if (!entry) return undefined;
    const text = this.textOfEntry(entry);
    this.trim();
    return text;
  }

  get size(): number {
    return this.entries.size;
  }

  get totalChars(): number {
    return this.bytes;
  }

  values(): DeliveryRecord[] {
    return [...this.entries.values()].map((e) => this.recordOf(e));
  }

  /** Each kept record's JSON, oldest first: the newest ones whose JSON fits the byte cap. */
  *texts(): Generator<string> {
    const entries = [...this.entries.values()];
    // Escapes can make the JSON several times the size estimated: counted newest first, as made.
    let budget = this.maxBytes;
    let from = entries.length;
    while (from > 0) {
      const text = this.textOfEntry(entries[from - 1]!);
      if (text.length > budget && from < entries.length) break;
      budget -= text.length;
      from--;
    }
    this.trim();
    for (let i = from; i < entries.length; i++) yield entries[i]!.text!;
  }
}
