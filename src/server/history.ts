import { bodySize, type DeliveryRecord, type RecordedBody } from '../core/delivery.js';
import { logRecord } from '../core/delivery-json.js';

export const HISTORY_COUNT = 500;
/** The feed's history is capped in bytes too: 500 one-megabyte bodies must not sit in memory. */
export const HISTORY_BYTES = 8 * 1024 * 1024;
/** Bodies longer than this are kept as their start plus their size; the whole body is in the log. */
export const PREVIEW_CHARS = 16 * 1024;

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
  record: DeliveryRecord;
  /** The record's JSON (the log's shape), made once: the feed sends it as it is. */
  text: string;
}

/** The deliveries of this run, newest last, bounded in count and in bytes. */
export class History {
  private readonly entries = new Map<string, Entry>();
  private bytes = 0;

  constructor(
    private readonly maxCount = HISTORY_COUNT,
    private readonly maxBytes = HISTORY_BYTES,
  ) {}

  /** Keeps a record (as a preview when large); returns its JSON for the feed. */
  add(record: DeliveryRecord): string {
    const kept = keptRecord(record);
    const text = JSON.stringify(logRecord(kept));
    const before = this.entries.get(kept.deliveryId);
    if (before) this.bytes -= before.text.length;
    this.entries.set(kept.deliveryId, { record: kept, text });
    this.bytes += text.length;
    while (this.entries.size > 1 && (this.entries.size > this.maxCount || this.bytes > this.maxBytes)) {
      const [id, oldest] = this.entries.entries().next().value!;
      this.entries.delete(id);
      this.bytes -= oldest.text.length;
    }
    return text;
  }

  get(id: string): DeliveryRecord | undefined {
    return this.entries.get(id)?.record;
  }

  textOf(id: string): string | undefined {
    return this.entries.get(id)?.text;
  }

  get size(): number {
    return this.entries.size;
  }

  get totalChars(): number {
    return this.bytes;
  }

  values(): DeliveryRecord[] {
    return [...this.entries.values()].map((e) => e.record);
  }

  /** Each kept record's JSON, oldest first. */
  *texts(): Generator<string> {
    for (const entry of this.entries.values()) yield entry.text;
  }
}
