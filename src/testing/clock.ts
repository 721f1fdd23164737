/** A clock that moves only when told: retry schedules of days play out in milliseconds. */
export interface FakeClock {
  /** Milliseconds since the epoch. */
  now(): number;
  date(): Date;
  advance(ms: number): void;
  /** Advances the clock by `ms` and resolves at once. */
  sleep(ms: number): Promise<void>;
}

export function createFakeClock(start: Date | number = Date.now()): FakeClock {
  let current = start instanceof Date ? start.getTime() : start;
  const advance = (ms: number) => {
    if (!(ms >= 0)) throw new RangeError(`a clock only moves forward, not by ${ms} ms`);
    current += ms;
  };
  return {
    now: () => current,
    date: () => new Date(current),
    advance,
    sleep: async (ms) => advance(ms),
  };
}
