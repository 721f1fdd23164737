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

/** A short, sortable, unique id for a delivery: `dlv_` + time + randomness. */
export function newDeliveryId(runtime: Runtime): string {
  return `dlv_${runtime.now().getTime().toString(36)}${runtime.uuid().replace(/-/g, '').slice(0, 10)}`;
}

/** A per-run secret for the feed and inspector URLs. */
export function newToken(): string {
  return randomBytes(18).toString('base64url');
}
