import { closeSync, openSync, readSync } from 'node:fs';
import { cryptoLoaded, nodeCrypto } from '../core/node-crypto.js';
import { longSleep } from './wait.js';

/** Bytes read ahead from the system's secure source, as node:crypto keeps them for its UUIDs. */
const POOL_BYTES = 4096;
let pool: Buffer | undefined;
let used = POOL_BYTES;
/** No /dev/urandom here (Windows), or it could not be read: node:crypto it is. */
let noDevice = false;

/** 16 secure random bytes from /dev/urandom, or undefined where it cannot be read. */
function deviceBytes(): Buffer | undefined {
  if (used === POOL_BYTES) {
    if (noDevice) return undefined;
    try {
      const fd = openSync('/dev/urandom', 'r');
      try {
        const fresh = Buffer.allocUnsafe(POOL_BYTES);
        if (readSync(fd, fresh, 0, POOL_BYTES, null) !== POOL_BYTES) throw new Error('short read');
        pool = fresh;
        used = 0;
      } finally {
        closeSync(fd);
      }
    } catch {
      noDevice = true;
      return undefined;
    }
  }
  used += 16;
  return pool!.subarray(used - 16, used);
}

/**
 * A random (version 4) UUID from a secure source. node:crypto's own, once something else has loaded
 * it; until then straight from /dev/urandom: loading node:crypto costs a short command (`payload`)
 * more than all the rest of its work.
 */
export function randomUuid(): string {
  if (!cryptoLoaded()) {
    const bytes = deviceBytes();
    if (bytes !== undefined) {
      bytes[6] = (bytes[6]! & 0x0f) | 0x40;
      bytes[8] = (bytes[8]! & 0x3f) | 0x80;
      const hex = bytes.toString('hex');
      return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
    }
  }
  return nodeCrypto().randomUUID();
}

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
  uuid: randomUuid,
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
