import { randomUUID } from 'node:crypto';
import { Chalk } from 'chalk';
import type { Runtime } from '../../src/io/runtime.js';
import type { Context } from '../../src/ui/context.js';
import { tempDir } from './cli.js';

/** A clock that moves only when told: every sleep waits for `advance`, nothing waits on real time. */
export class FakeClock {
  private timers: { at: number; resolve: () => void }[] = [];
  constructor(public ms = Date.parse('2026-01-15T09:00:00Z')) {}

  /** How many sleeps are waiting for the clock. */
  get waiting(): number {
    return this.timers.length;
  }

  /** Moves the clock on and wakes every sleep that is due, in order. */
  advance(ms: number): void {
    this.ms += ms;
    const due = this.timers.filter((t) => t.at <= this.ms).sort((a, b) => a.at - b.at);
    this.timers = this.timers.filter((t) => t.at > this.ms);
    for (const t of due) t.resolve();
  }

  readonly runtime: Runtime = {
    now: () => new Date(this.ms),
    monotonicMs: () => this.ms,
    sleep: (ms, signal) =>
      new Promise<void>((resolve) => {
        if (signal?.aborted) return resolve();
        const timer = { at: this.ms + ms, resolve };
        this.timers.push(timer);
        signal?.addEventListener(
          'abort',
          () => {
            this.timers = this.timers.filter((t) => t !== timer);
            resolve();
          },
          { once: true },
        );
      }),
    random: () => 0.5,
    uuid: () => randomUUID(),
    token: () => 'fake-token',
  };
}

export interface FakeContext extends Context {
  stdoutText(): string;
  stderrText(): string;
  /** Asks the running command to stop, as Ctrl-C would. */
  stop(): void;
}

/** A context for `main(argv, ctx)` in this process: captured output, a fake clock, its own folder. */
export function fakeContext(
  options: { cwd?: string; env?: NodeJS.ProcessEnv; clock?: FakeClock } = {},
): FakeContext {
  let stdout = '';
  let stderr = '';
  let stopped: (signal: string) => void = () => {};
  const stopping = new Promise<string>((resolve) => (stopped = resolve));
  const cwd = options.cwd ?? tempDir();
  return {
    stdout: { write: (text: string) => (stdout += text) },
    stderr: { write: (text: string) => (stderr += text) },
    stdinIsTTY: false,
    env: { ...options.env },
    cwd,
    runtime: (options.clock ?? new FakeClock()).runtime,
    config: {},
    color: new Chalk({ level: 0 }),
    interactive: false,
    waitForStop: () => stopping,
    out: (line) => void (stdout += `${line}\n`),
    stream: async (line) => void (stdout += `${line}\n`),
    err: (line) => void (stderr += `${line}\n`),
    serving: () => {},
    stdoutText: () => stdout,
    stderrText: () => stderr,
    stop: () => stopped('SIGINT'),
  };
}

/**
 * Lets the event loop turn (I/O included) until `condition` holds: for work that is under way in
 * this process, never for a timer, which the fake clock drives.
 */
export async function until(condition: () => boolean, what = 'the condition'): Promise<void> {
  // A bound on a test that would otherwise hang, not a timing threshold.
  const giveUpAt = Date.now() + 15_000;
  while (Date.now() < giveUpAt) {
    if (condition()) return;
    await new Promise((resolve) => setImmediate(resolve));
  }
  throw new Error(`gave up waiting for ${what}`);
}
