import { nodeCrypto } from '../core/node-crypto.js';
import { longSleep } from './wait.js';

/**
 * What is not deterministic, in one place, so tests can replace it: a fake clock drives every
 * schedule, poll and timeout without waiting on real time.
 */
export interface Runtime {
  now(): Date;
  /** Milliseconds on a clock that only moves forward, for measuring durations. */
  monotonicMs(): number;
  /** Resolves after `ms` (however long), or at once when `signal` aborts. */
  sleep(ms: number, signal?: AbortSignal): Promise<void>;
  /** A number in [0, 1). */
  random(): number;
  uuid(): string;
  /** A per-run secret for the feed and inspector URLs: unguessable, so from a secure source. */
  token(): string;
}

export const systemRuntime: Runtime = {
  now: () => new Date(),
  // process.hrtime rather than performance.now(): the global performance loads node:perf_hooks.
  monotonicMs: () => Number(process.hrtime.bigint()) / 1e6,
  sleep: longSleep,
  random: Math.random,
  uuid: () => nodeCrypto().randomUUID(),
  token: () => nodeCrypto().randomBytes(18).toString('base64url'),
};

/** Random per process, so two processes writing one log never make the same id. */
let processTag: string | undefined;
let sequence = 0;

/**
 * A short, sortable, unique id for a delivery: `dlv_` + time + this process + a counter. `at` is
 * the runtime's time when the caller has just read it (a load run reads the clock once a request).
 */
export function newDeliveryId(runtime: Runtime, at: Date = runtime.now()): string {
  processTag ??= nodeCrypto().randomBytes(4).toString('hex');
  sequence = (sequence + 1) % 0x1000000;
  return `dlv_${at.getTime().toString(36)}${processTag}${sequence.toString(36).padStart(4, '0')}`;
}
