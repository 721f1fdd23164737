import { createReadStream, writeSync } from 'node:fs';
import { mkdir, open, stat, type FileHandle } from 'node:fs/promises';
import path from 'node:path';
import type { DeliveryRecord } from '../core/delivery.js';
import { systemRuntime, type Runtime } from './runtime.js';
import { logLine } from '../core/delivery-json.js';
import { readLines } from './read-lines.js';

export const LOG_FILE_NAME = 'deliveries.jsonl';
const FILE_MODE = 0o600;
/** One write call at most this large, so a batch stays one atomic O_APPEND write. */
const MAX_BATCH_BYTES = 1 << 20;

export function logHome(env: NodeJS.ProcessEnv, cwd: string): string {
  return env.MES_WEBHOOKS_HOME ? path.resolve(cwd, env.MES_WEBHOOKS_HOME) : path.join(cwd, '.mes-webhooks');
}

export function logPath(env: NodeJS.ProcessEnv, cwd: string): string {
  return path.join(logHome(env, cwd), LOG_FILE_NAME);
}

/**
 * Makes the folder and any missing parents, one level at a time. Node's own recursive mkdir spins
 * forever on some paths (`/proc/nope`); a home that is a plain file gets a plain message.
 */
async function makeFolder(folder: string): Promise<void> {
  const missing: string[] = [];
  for (let at = folder; ; at = path.dirname(at)) {
    const found = await stat(at).catch(() => undefined);
    if (found) {
      if (!found.isDirectory()) throw new Error(`${at} is a file, not a folder`);
      break;
    }
    missing.push(at);
    if (path.dirname(at) === at) break;
  }
  for (const dir of missing.reverse()) {
    await mkdir(dir, { mode: 0o700 }).catch((error: NodeJS.ErrnoException) => {
      if (error.code !== 'EEXIST') throw error;
    });
  }
}

async function endsWithNewline(handle: FileHandle): Promise<boolean> {
  const { size } = await handle.stat();
  if (size === 0) return true;
  const last = Buffer.alloc(1);
  await handle.read(last, 0, 1, size - 1);
  return last[0] === 0x0a;
}

interface Batch {
  lines: string[];
  bytes: number;
  written: Promise<void>;
  done: () => void;
  fail: (error: unknown) => void;
}

function newBatch(): Batch {
  const batch = { lines: [], bytes: 0 } as unknown as Batch;
  batch.written = new Promise<void>((resolve, reject) => {
    batch.done = resolve;
    batch.fail = reject;
  });
  return batch;
}

/**
 * Appends delivery records, one JSON line each. Lines queued while a write is under way go out
 * together in one write; every write ends in a newline, so a crash can tear at most the last line,
 * and the next writer starts on a fresh line.
 */
export class DeliveryLog {
  private handle: Promise<FileHandle> | undefined;
  /** Lines waiting, in batches of at most MAX_BATCH_BYTES; each batch settles once, for all its lines. */
  private queue: Batch[] = [];
  private writing: Promise<void> | undefined;
  private needsLeadingNewline = false;

  constructor(readonly file: string) {}

  append(record: DeliveryRecord, line = logLine(record)): Promise<void> {
    let batch = this.queue.at(-1);
    if (!batch || batch.bytes + line.length + 1 > MAX_BATCH_BYTES) {
      batch = newBatch();
      this.queue.push(batch);
    }
    batch.lines.push(line);
    batch.bytes += line.length + 1;
    this.writing ??= this.drain();
    return batch.written;
  }

  /** A burst of records, queued like single ones: settles once every batch they went into is written. */
  appendAll(records: readonly DeliveryRecord[]): Promise<void> {
    const batches = new Set<Promise<void>>();
    for (const record of records) batches.add(this.append(record));
    return batches.size === 1 ? [...batches][0]! : Promise.all(batches).then(() => undefined);
  }

  /** Opens the file now (tightening it to 0600 at once), rather than at the first write. */
  async open(): Promise<void> {
    this.handle ??= this.openHandle();
    try {
      await this.handle;
    } catch (error) {
      this.handle = undefined;
      throw error;
    }
  }

  private async openHandle(): Promise<FileHandle> {
    await makeFolder(path.dirname(this.file));
    const handle = await open(this.file, 'a+', FILE_MODE);
    await handle.chmod(FILE_MODE);
    this.needsLeadingNewline = !(await endsWithNewline(handle));
    return handle;
  }

  private async drain(): Promise<void> {
    // Records that arrive in the same turn of the event loop (a burst) go out in one write.
    await new Promise<void>((resolve) => setImmediate(resolve));
    try {
      while (this.queue.length > 0) {
        // Taken off the queue first: lines appended meanwhile go in the next batch.
        const batch = this.queue.shift()!;
        try {
          const handle = await this.open().then(() => this.handle!);
          let text = `${batch.lines.join('\n')}\n`;
          if (this.needsLeadingNewline) {
            text = `\n${text}`;
            this.needsLeadingNewline = false;
          }
          // A synchronous write of the whole batch: a few microseconds into the page cache, where a
          // trip through the thread pool per batch would hold every waiting answer for longer. The
          // string goes out as it is; a short write (rare on a file) is finished from its bytes.
          let offset = writeSync(handle.fd, text);
          const size = Buffer.byteLength(text);
          if (offset < size) {
            const buffer = Buffer.from(text);
            while (offset < size) offset += writeSync(handle.fd, buffer, offset, size - offset);
          }
          batch.done();
        } catch (error) {
          // A log that could not be opened is tried again at the next write: the folder may be fixed.
          batch.fail(error);
        }
      }
    } finally {
      this.writing = undefined;
    }
  }

  /** Waits for queued lines and closes the file. */
  async close(): Promise<void> {
    while (this.writing) await this.writing;
    const handle = this.handle;
    this.handle = undefined;
    if (handle) await (await handle.catch(() => undefined))?.close();
  }
}

export interface ReadStats {
  /** Lines that were not delivery records (garbage, or a line torn by a crash). */
  skipped: number;
}

/** Streams the log's records, oldest first, skipping lines that are not records. */
export async function* readDeliveries(
  file: string,
  stats: ReadStats = { skipped: 0 },
): AsyncGenerator<DeliveryRecord> {
  try {
    await stat(file);
  } catch {
    return;
  }
  const lines = readLines({ input: createReadStream(file, { encoding: 'utf8' }), crlfDelay: Infinity });
  for await (const line of lines) {
    if (line.trim() === '') continue;
    const record = parseRecord(line);
    if (record) yield record;
    else stats.skipped++;
  }
}

const REVERSE_CHUNK_BYTES = 64 * 1024;

function parseRecord(line: string): DeliveryRecord | undefined {
  try {
    const record = JSON.parse(line);
    return typeof record === 'object' && record !== null && typeof record.deliveryId === 'string'
      ? record
      : undefined;
  } catch {
    return undefined;
  }
}

/** Streams the log newest first, reading backwards from the end in chunks: memory stays flat. */
export async function* readDeliveriesNewestFirst(
  file: string,
  stats: ReadStats = { skipped: 0 },
  /** Lines it rejects are passed over unparsed. */
  prefilter?: (line: Uint8Array) => boolean,
): AsyncGenerator<DeliveryRecord> {
  let handle: FileHandle;
  try {
    handle = await open(file, 'r');
  } catch {
    return;
  }
  try {
    let position = (await handle.stat()).size;
    let carry: Buffer = Buffer.alloc(0);
    const emit = function* (line: Buffer) {
      if (line.length === 0 || (prefilter && !prefilter(line))) return;
      const text = line.toString('utf8');
      if (text.trim() === '') return;
      const record = parseRecord(text);
      if (record) yield record;
      else stats.skipped++;
    };
    // One working buffer, reused: a read per chunk, the partial line carried over copied behind it.
    let work = Buffer.allocUnsafe(REVERSE_CHUNK_BYTES * 2);
    while (position > 0) {
      const size = Math.min(REVERSE_CHUNK_BYTES, position);
      position -= size;
      if (work.length < size + carry.length) work = Buffer.allocUnsafe((size + carry.length) * 2);
      await handle.read(work, 0, size, position);
      carry.copy(work, size);
      const buffer = work.subarray(0, size + carry.length);
      let end = buffer.length;
      for (let i = buffer.lastIndexOf(0x0a); i >= 0; i = i > 0 ? buffer.lastIndexOf(0x0a, i - 1) : -1) {
        yield* emit(buffer.subarray(i + 1, end));
        end = i;
      }
      carry = Buffer.from(buffer.subarray(0, end));
    }
    yield* emit(carry);
  } finally {
    await handle.close();
  }
}

/**
 * Yields records appended after `from` bytes, as another process writes them, until `signal`
 * aborts. Survives the file being created later or truncated (it starts again from the top).
 */
export async function* followDeliveries(
  file: string,
  from: number,
  signal: AbortSignal,
  pollMs = 200,
  sleep: Runtime['sleep'] = systemRuntime.sleep,
): AsyncGenerator<DeliveryRecord> {
  let position = from;
  let partial = '';
  while (!signal.aborted) {
    let size = -1;
    try {
      size = (await stat(file)).size;
    } catch {
      position = 0;
      partial = '';
    }
    if (size >= 0 && size < position) {
      position = 0;
      partial = '';
    }
    if (size > position) {
      const handle = await open(file, 'r');
      try {
        const chunk = Buffer.alloc(size - position);
        await handle.read(chunk, 0, chunk.length, position);
        position = size;
        const lines = (partial + chunk.toString('utf8')).split('\n');
        partial = lines.pop() ?? '';
        for (const line of lines) {
          const record = line.trim() === '' ? undefined : parseRecord(line);
          if (record) yield record;
        }
      } finally {
        await handle.close();
      }
      continue;
    }
    await sleep(pollMs, signal);
  }
}

export async function logSize(file: string): Promise<number> {
  try {
    return (await stat(file)).size;
  } catch {
    return 0;
  }
}
