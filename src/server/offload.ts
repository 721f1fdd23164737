import { existsSync } from 'node:fs';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { Worker } from 'node:worker_threads';
import type { DeliveryRecord } from '../core/delivery.js';
import { BUILTIN_REGISTRY } from '../core/registry.js';
import { conclude, deliver, type DeliveryHost, type MadeTexts } from './deliver.js';
import type { Arrival, ExamineOptions } from './examine.js';
import type { Reply, Respondent } from './received.js';

/**
 * Batches at the worker at a time, at most: what arrives meanwhile waits, and goes as one message,
 * sent as soon as the answers come back. One measured as well as two or three, with fewer messages.
 */
const MAX_OUT = 1;
/**
 * Deliveries waiting for the worker, at most: while it is busy, the listener's thread takes any
 * more itself rather than wait. A round trip to the worker takes about 1 ms on this machine (half of
 * it waking the threads), so with 32 senders a listener that only waited was no faster than one
 * that did everything itself; this way neither thread waits while there is work.
 */
const QUEUED_AT_MOST = 4;

/** What the worker is told once: the options of examine() that a thread can be given. */
export type WorkerSettings = Pick<ExamineOptions, 'secret' | 'strict' | 'strictSchema' | 'schemaCheck'>;

/** The deliveries of one turn, their bodies in one buffer (moved to the worker, not copied). */
export interface WorkBatch {
  items: { id: number; arrival: Arrival; start: number; end: number; arrived: number; started: number }[];
  bytes: ArrayBuffer;
}

/** A delivery examined: its planned answer and log line; only `id` when the worker could not. */
export interface Examination {
  id: number;
  deliveryId?: string;
  status?: number;
  type?: string | undefined;
  body?: string;
  log?: string;
  /** Its JSON line is the log line's first `jsonLength - 1` characters and a closing brace. */
  jsonLength?: number;
  whole?: boolean;
}

/** A delivery the worker examined, ready to be logged and answered. */
export interface Examined extends MadeTexts {
  reply: Reply;
}

export interface Work {
  arrival: Arrival;
  bytes: Buffer;
  arrived: Date;
  started: number;
}

interface Pending<T extends Work> {
  work: T;
  resolve: () => void;
  reject: (error: unknown) => void;
}

/**
 * Examines deliveries on a worker thread, so the listener's own thread does the sockets and the
 * log while the other core verifies and serialises. What arrives in one turn of the event loop
 * goes as one message, and comes back as one. Any delivery the worker cannot take (not started yet,
 * failed on it, or gone) is taken on this thread, by `local`: none is ever lost.
 */
export class Offload<T extends Work> {
  private worker: Worker | undefined;
  private ready = false;
  private queue: Pending<T>[] = [];
  private readonly sent = new Map<number, Pending<T>>();
  private next = 0;
  /** Batches at the worker. */
  private out = 0;
  /** Resolves true once deliveries go to the worker, false if they never will. */
  readonly started: Promise<boolean>;
  private start: (ready: boolean) => void = () => undefined;

  constructor(
    file: URL,
    settings: WorkerSettings,
    private readonly local: (work: T) => Promise<void>,
    private readonly finish: (work: T, examined: Examined) => Promise<void>,
  ) {
    this.started = new Promise((resolve) => (this.start = resolve));
    // A build without the worker (the library as tsc writes it) takes every delivery itself.
    if (!existsSync(fileURLToPath(file))) {
      this.start(false);
      return;
    }
    const worker = new Worker(file, { workerData: settings });
    this.worker = worker;
    worker.unref();
    worker.on('message', (message: Examination[] | 'ready') => {
      if (message === 'ready') this.start((this.ready = true));
      else this.examined(message);
    });
    worker.on('error', () => this.lost());
    worker.on('exit', () => this.lost());
  }

  /** Resolves once the delivery is logged and answered. */
  take(work: T): Promise<void> {
    if (!this.ready || (this.out >= MAX_OUT && this.queue.length >= QUEUED_AT_MOST)) return this.local(work);
    return new Promise((resolve, reject) => {
      if (this.queue.push({ work, resolve, reject }) === 1 && this.out < MAX_OUT) setImmediate(this.send);
    });
  }

  private readonly send = (): void => {
    const batch = this.queue;
    if (batch.length === 0 || this.out >= MAX_OUT) return;
    this.queue = [];
    if (!this.ready) return void this.takeHere(batch);
    this.out++;
    let size = 0;
    for (const { work } of batch) size += work.bytes.length;
    const bytes = new ArrayBuffer(size);
    const view = new Uint8Array(bytes);
    const items: WorkBatch['items'] = [];
    let start = 0;
    for (const pending of batch) {
      const { work } = pending;
      const id = this.next++;
      view.set(work.bytes, start);
      const end = start + work.bytes.length;
      items.push({
        id,
        arrival: work.arrival,
        start,
        end,
        arrived: work.arrived.getTime(),
        started: work.started,
      });
      start = end;
      this.sent.set(id, pending);
    }
    // Held open while deliveries are out: close() waits for them.
    if (this.sent.size === batch.length) this.worker!.ref();
    this.worker!.postMessage({ items, bytes } satisfies WorkBatch, [bytes]);
  };

  private examined(results: Examination[]): void {
    this.out = Math.max(0, this.out - 1);
    for (const result of results) {
      const pending = this.sent.get(result.id);
      if (!pending) continue;
      this.sent.delete(result.id);
      const { work, resolve, reject } = pending;
      const done =
        result.log === undefined
          ? this.local(work)
          : this.finish(work, {
              reply: { status: result.status!, type: result.type, body: result.body! },
              deliveryId: result.deliveryId!,
              json: `${result.log.slice(0, result.jsonLength! - 1)}}`,
              log: result.log,
              whole: result.whole!,
            });
      done.then(resolve, reject);
    }
    if (this.queue.length > 0) this.send();
    if (this.sent.size === 0) this.worker?.unref();
  }

  private takeHere(batch: Pending<T>[]): Promise<void>[] {
    return batch.map(({ work, resolve, reject }) => this.local(work).then(resolve, reject));
  }

  /** The worker failed or exited: what it held or was to get is taken here, and so is what follows. */
  private lost(): Promise<void>[] {
    this.out = 0;
    this.start(false);
    this.ready = false;
    this.worker = undefined;
    const held = [...this.sent.values(), ...this.queue];
    this.sent.clear();
    this.queue = [];
    return this.takeHere(held);
  }

  /** Ends the worker; the listener has waited for what it held (close() waits for every delivery). */
  async close(): Promise<void> {
    const worker = this.worker;
    // Anything it still holds (it would have had to hang past the listener's wait) is taken here.
    const taken = this.lost();
    await worker?.terminate();
    await Promise.allSettled(taken);
  }
}

/** A delivery the fast path read whole, with where its answer goes. */
export interface FastWork extends Work {
  to: Respondent;
}

/**
 * The listener's worker, when it asked for one (ListenerOptions.offload) and nothing it was asked
 * needs its own thread: no --forward-to, --delay, flaky answers or providers of the user's own.
 */
export function listenerOffload(host: DeliveryHost): Offload<FastWork> | undefined {
  const { options } = host;
  const flaky = options.flaky ?? {};
  const can =
    (options.offload ?? false) !== false &&
    !options.forwardTo &&
    !options.delayMs &&
    !options.echo &&
    (options.registry === undefined || options.registry === BUILTIN_REGISTRY) &&
    flaky.status === undefined &&
    !flaky.failFirst &&
    !flaky.failRate;
  if (!can) return undefined;
  const { secret, strict, strictSchema, schemaCheck } = options;
  return new Offload<FastWork>(
    typeof options.offload === 'string'
      ? pathToFileURL(options.offload)
      : new URL('./delivery-worker.cjs', import.meta.url),
    { secret, strict, strictSchema, schemaCheck },
    (w) => deliver(host, w.arrival, w.bytes, w.to, w.arrived, w.started),
    (w, examined) => conclude(host, lazyRecord(examined.log), examined.reply, w.to, w.started, examined),
  );
}

/**
 * A record read from its log line only when something reads it: a listener that only logs and
 * prints JSON never does (the texts are made), while the terminal, the feed or a refusal do.
 */
export function lazyRecord(line: string): DeliveryRecord {
  let parsed: DeliveryRecord | undefined;
  const real = () => (parsed ??= JSON.parse(line) as DeliveryRecord);
  return new Proxy({} as DeliveryRecord, {
    get: (_, key) => Reflect.get(real(), key),
    set: (_, key, value) => Reflect.set(real(), key, value),
    has: (_, key) => Reflect.has(real(), key),
    deleteProperty: (_, key) => Reflect.deleteProperty(real(), key),
    ownKeys: () => Reflect.ownKeys(real()),
    getOwnPropertyDescriptor: (_, key) => Reflect.getOwnPropertyDescriptor(real(), key),
    defineProperty: (_, key, descriptor) => Reflect.defineProperty(real(), key, descriptor),
  });
}
