import type { ChildProcess } from 'node:child_process';

export const BIN: string;
export interface RunningListener {
  port: number;
  home: string;
  logFile: string;
  child: ChildProcess;
  exited: Promise<{ code: number | null; signal: string | null }>;
  stdout(): string;
  stderr(): string;
  alive(): boolean;
  feedToken(): string | undefined;
  remove(): void;
  stop(signal?: NodeJS.Signals): Promise<{ code: number | null; signal: string | null }>;
}
export function startListener(
  args?: string[],
  options?: { bin?: string; env?: Record<string, string> },
): Promise<RunningListener>;
export function raw(
  port: number,
  chunks: Buffer[],
  options?: { quietMs?: number; firstByteMs?: number; hangUp?: boolean },
): Promise<string>;
export function answersIn(text: string): { statuses: number[]; ids: string[] };
export function loggedIds(file: string): Set<string>;
export function seeded(seed: number): {
  next(): number;
  int(n: number): number;
  pick<T>(list: readonly T[]): T;
  bytes(n: number): Buffer;
};
export function envelopeRequest(n: number): Buffer;
export interface FuzzResult {
  cases: number;
  seconds: number;
  deaths: number;
  answered: number;
  unlogged: number;
  exitCodes: (number | null)[];
  families: Record<string, number>;
  statuses: Record<string, number>;
}
export function runFuzz(options: {
  cases: number;
  seed?: number;
  concurrency?: number;
  bin?: string;
  deadlineMs?: number;
  log?: (line: string) => void;
}): Promise<FuzzResult>;
export function killRound(options?: {
  bin?: string;
  afterMs?: number;
  concurrency?: number;
}): Promise<{ answered2xx: number; logged: number; lost: number }>;
