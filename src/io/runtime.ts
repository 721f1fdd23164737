import { randomBytes, randomUUID } from 'node:crypto';

/** What is not deterministic, in one place, so tests can replace it. */
export interface Runtime {
  now(): Date;
  uuid(): string;
}

export const systemRuntime: Runtime = {
  now: () => new Date(),
  uuid: () => randomUUID(),
};

/** Random per process, so two processes writing one log never make the same id. */
const PROCESS_TAG = randomBytes(4).toString('hex');
let sequence = 0;

/** A short, sortable, unique id for a delivery: `dlv_` + time + this process + a counter. */
export function newDeliveryId(runtime: Runtime): string {
  sequence = (sequence + 1) % 0x1000000;
  return `dlv_${runtime.now().getTime().toString(36)}${PROCESS_TAG}${sequence.toString(36).padStart(4, '0')}`;
}

/** A per-run secret for the feed and inspector URLs. */
export function newToken(): string {
  return randomBytes(18).toString('base64url');
}
