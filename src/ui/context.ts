import type { ChalkInstance } from 'chalk';
import { systemRuntime, type Runtime } from '../io/runtime.js';
import type { Config } from '../io/settings.js';
import { isTerminal, Output } from './output.js';
import { colorAt } from './plain.js';

export interface Stream {
  write(text: string): unknown;
  isTTY?: boolean;
}

/** Everything a command reaches outside itself, passed in so tests can swap any of it. */
export interface Context {
  stdout: Stream;
  stderr: Stream;
  stdinIsTTY: boolean;
  env: NodeJS.ProcessEnv;
  cwd: string;
  runtime: Runtime;
  /** The config file, read once before any command runs. */
  config: Config;
  color: ChalkInstance;
  /** Spinners and prompts only where a person is watching. */
  interactive: boolean;
  /** Resolves when the user asks to stop (Ctrl-C); only long-running commands wait on it. */
  waitForStop(): Promise<string>;
  out(line: string): void;
  /** Like out, but waits while stdout's buffer is full, so a long stream never piles up in memory. */
  stream(line: string): Promise<void>;
  err(line: string): void;
  /**
   * The command serves requests from now on: what it prints is queued for a slow reader rather
   * than written at once, which could hold up the event loop (and the answers) while a pipe is full.
   */
  serving(): void;
  /** Resolves once all that was printed has gone out, however slow the reader. */
  flushed?(): Promise<void>;
}

export function colorLevel(env: NodeJS.ProcessEnv, isTTY: boolean): 0 | 1 | 2 | 3 {
  if (env.NO_COLOR !== undefined && env.NO_COLOR !== '') return 0;
  if (env.FORCE_COLOR !== undefined) {
    const level = Number(env.FORCE_COLOR || 1);
    return level >= 0 && level <= 3 ? (Math.floor(level) as 0 | 1 | 2 | 3) : 1;
  }
  if (!isTTY || env.CI || env.TERM === 'dumb') return 0;
  return 1;
}

export async function processContext(): Promise<Context> {
  const stdout = new Output(1);
  const stderr = new Output(2);
  const env = process.env;
  return {
    stdout,
    stderr,
    get stdinIsTTY() {
      return isTerminal(0);
    },
    env,
    cwd: process.cwd(),
    runtime: systemRuntime,
    config: {},
    color: await colorAt(colorLevel(env, stderr.isTTY && stdout.isTTY)),
    interactive: stderr.isTTY && !env.CI,
    waitForStop: () =>
      new Promise<string>((resolve) => {
        for (const signal of ['SIGINT', 'SIGTERM'] as const) process.once(signal, () => resolve(signal));
      }),
    out: (line) => stdout.write(`${line}\n`),
    // A long stream goes through Node's stream and waits while its buffer is full.
    stream: (line) =>
      stdout.queued.write(`${line}\n`)
        ? Promise.resolve()
        : new Promise((resolve) => stdout.queued.once('drain', resolve)),
    err: (line) => stderr.write(`${line}\n`),
    serving: () => {
      void stdout.queued;
      void stderr.queued;
    },
    flushed: async () => {
      await Promise.all([stdout.flushed(), stderr.flushed()]);
    },
  };
}
