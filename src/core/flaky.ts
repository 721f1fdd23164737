/** How a listener misbehaves on purpose, so a sender's retries can be tested. */
export interface FlakyOptions {
  /** Answer this status to every delivery that is not failed by the knobs below. */
  status?: number;
  /** The first N deliveries of each event id are answered 503. */
  failFirst?: number;
  /** This share (0–1) of deliveries are answered 503, drawn from a seeded generator. */
  failRate?: number;
  seed?: number;
}

export interface Decision {
  status: number | undefined;
  /** What was simulated, for the printed line; undefined when nothing was. */
  simulated?: string;
}

/** mulberry32: a small, fast, seedable generator; runs with the same seed draw the same numbers. */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export const SIMULATED_FAILURE_STATUS = 503;

/** Decides each answer in turn; keeps the per-event-id counts that --fail-first needs. */
export function createFlakyPolicy(options: FlakyOptions, random: () => number) {
  const seen = new Map<string, number>();
  return (eventId: string | null): Decision => {
    if (options.failFirst && eventId !== null) {
      const count = (seen.get(eventId) ?? 0) + 1;
      seen.set(eventId, count);
      if (count <= options.failFirst) {
        return { status: SIMULATED_FAILURE_STATUS, simulated: `fail-first ${count}/${options.failFirst}` };
      }
    }
    if (options.failRate && random() < options.failRate) {
      return { status: SIMULATED_FAILURE_STATUS, simulated: `fail-rate ${options.failRate}` };
    }
    if (options.status !== undefined)
      return { status: options.status, simulated: `status ${options.status}` };
    return { status: undefined };
  };
}
