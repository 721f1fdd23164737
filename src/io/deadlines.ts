import { systemRuntime } from './runtime.js';

/** The clock and the timer deadlines are kept by: the system's, or a test's. */
export interface DeadlineClock {
  now(): number;
  /** Calls `fire` after `ms`; the returned function cancels it. */
  setTimer(fire: () => void, ms: number): () => void;
}

const systemClock: DeadlineClock = {
  now: systemRuntime.monotonicMs,
  setTimer(fire, ms) {
    const timer = setTimeout(fire, ms);
    // A deadline alone never keeps the process alive: the request it bounds does.
    timer.unref();
    return () => clearTimeout(timer);
  },
};

const MAX_TIMER_MS = 2 ** 31 - 1;

interface Entry {
  at: number;
  fire: () => void;
}

/**
 * The deadlines of requests in flight, kept by one native timer armed for the earliest of them: a
 * deadline is met to the millisecond (undici's own timeouts tick on a coarse clock and fire up to a
 * second late), with no timer made or cleared per request. A deadline is never met early: a timer
 * that fires a little ahead of it is armed again for the rest.
 */
export class Deadlines {
  /** Sorted by `at`; a handful at a time (one per request in flight). */
  private readonly entries: Entry[] = [];
  private cancelTimer: (() => void) | undefined;
  private armedFor = Number.POSITIVE_INFINITY;

  constructor(private readonly clock: DeadlineClock = systemClock) {}

  /** Calls `fire` once `ms` have passed, unless the returned function is called first. */
  add(ms: number, fire: () => void): () => void {
    const entry = { at: this.clock.now() + ms, fire };
    let i = this.entries.length;
    while (i > 0 && this.entries[i - 1]!.at > entry.at) i--;
    this.entries.splice(i, 0, entry);
    if (entry.at < this.armedFor) this.arm(entry.at);
    return () => {
      const at = this.entries.indexOf(entry);
      // The timer stays armed: when it fires with nothing due it is armed for what is left.
      if (at >= 0) this.entries.splice(at, 1);
    };
  }

  private arm(at: number): void {
    this.cancelTimer?.();
    this.armedFor = at;
    // Node fires a longer timer at once: a deadline beyond it is reached in steps.
    const ms = Math.min(MAX_TIMER_MS, Math.max(0, Math.ceil(at - this.clock.now())));
    this.cancelTimer = this.clock.setTimer(() => this.check(), ms);
  }

  private check(): void {
    this.cancelTimer = undefined;
    this.armedFor = Number.POSITIVE_INFINITY;
    const now = this.clock.now();
    let due = 0;
    while (due < this.entries.length && this.entries[due]!.at <= now) due++;
    for (const entry of this.entries.splice(0, due)) entry.fire();
    const next = this.entries[0];
    if (next) this.arm(next.at);
  }
}
