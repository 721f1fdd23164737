import { UsageError } from './errors.js';
import { DAY_MS, HOUR_MS, MINUTE_MS, SECOND_MS, type Schedule } from './providers/types.js';
import { BUILTIN_REGISTRY } from './registry.js';

/** The built-in presets, one per provider folder; a run's registry has the declared ones too. */
export const SCHEDULE_PRESETS: Readonly<Record<string, Schedule>> = BUILTIN_REGISTRY.schedules;

const UNIT_MS: Record<string, number> = { ms: 1, s: SECOND_MS, m: MINUTE_MS, h: HOUR_MS, d: DAY_MS };

/** `250ms`, `5s`, `30m`, `2h`, `1d`, or a bare number of seconds. */
export function parseDuration(text: string): number {
  const m = /^(\d+(?:\.\d+)?)(ms|s|m|h|d)?$/.exec(text.trim());
  if (!m)
    throw new UsageError(
      `"${text}" is not a duration like 500ms, 5s, 30m, 2h or 1d`,
      undefined,
      'E_BAD_DURATION',
    );
  return Math.round(Number(m[1]) * UNIT_MS[m[2] ?? 's']!);
}

export function formatDuration(ms: number): string {
  if (ms === 0) return '0s';
  if (ms < SECOND_MS) return `${Math.round(ms)}ms`;
  const parts: string[] = [];
  let rest = Math.round(ms / SECOND_MS);
  for (const [unit, size] of [
    ['d', 86400],
    ['h', 3600],
    ['m', 60],
    ['s', 1],
  ] as const) {
    if (rest >= size) {
      parts.push(`${Math.floor(rest / size)}${unit}`);
      rest %= size;
    }
  }
  return parts.join('');
}

export interface ExponentialOptions {
  baseMs: number;
  factor: number;
  capMs: number;
  /** 0–1: each delay varies by up to this share, drawn from `random`. */
  jitter: number;
  attempts: number;
}

export function exponentialSchedule(options: ExponentialOptions, random: () => number): Schedule {
  const delays = [0];
  for (let i = 1; i < options.attempts; i++) {
    const raw = Math.min(options.capMs, options.baseMs * options.factor ** (i - 1));
    const spread = raw * options.jitter * (random() * 2 - 1);
    delays.push(Math.max(0, Math.round(raw + spread)));
  }
  return { name: 'exponential', delaysMs: delays };
}

/** More attempts than any real sender makes; a schedule is built whole, so it must stay small. */
export const MAX_SCHEDULE_ATTEMPTS = 1000;

/** A preset name, a list like `0,5s,30s,5m`, or `exponential[:base=1s,factor=2,cap=1h,jitter=0.1,attempts=8]`. */
export function parseSchedule(
  text: string,
  random: () => number,
  presets: Readonly<Record<string, Schedule>> = SCHEDULE_PRESETS,
): Schedule {
  const preset = presets[text];
  if (preset) return preset;
  if (text === 'exponential' || text.startsWith('exponential:')) {
    const options: ExponentialOptions = {
      baseMs: SECOND_MS,
      factor: 2,
      capMs: HOUR_MS,
      jitter: 0,
      attempts: 8,
    };
    for (const pair of text.slice('exponential:'.length).split(',').filter(Boolean)) {
      const [key, value = ''] = pair.split('=');
      if (key === 'base') options.baseMs = parseDuration(value);
      else if (key === 'cap') options.capMs = parseDuration(value);
      else if (key === 'factor' && Number(value) >= 1) options.factor = Number(value);
      else if (key === 'jitter' && Number(value) >= 0 && Number(value) <= 1) options.jitter = Number(value);
      else if (
        key === 'attempts' &&
        Number.isInteger(Number(value)) &&
        Number(value) >= 1 &&
        Number(value) <= MAX_SCHEDULE_ATTEMPTS
      )
        options.attempts = Number(value);
      else
        throw new UsageError(
          `cannot read "${pair}" of the schedule`,
          `exponential takes base=1s, factor=2, cap=1h, jitter=0.1, attempts=8 (1 to ${MAX_SCHEDULE_ATTEMPTS})`,
          'E_BAD_SCHEDULE',
        );
    }
    return exponentialSchedule(options, random);
  }
  const delays = text.split(',').map((part) => parseDuration(part));
  if (delays.length === 0 || text.trim() === '') {
    throw new UsageError(
      `the schedule "${text}" is no preset (${Object.keys(presets).join(', ')}), list or exponential`,
      undefined,
      'E_BAD_SCHEDULE',
    );
  }
  return { name: 'custom', delaysMs: delays };
}

export interface PlannedAttempt {
  attempt: number;
  /** Delay after the previous attempt. */
  delayMs: number;
  /** Time since the first attempt. */
  offsetMs: number;
  /** Attempts after the schedule proper, once the delivery is marked failed. */
  afterMarkedFailed: boolean;
}

/** Every attempt a schedule makes, with its offset from the first. */
export function planAttempts(schedule: Schedule, maxAttempts?: number): PlannedAttempt[] {
  const plan: PlannedAttempt[] = [];
  let offset = 0;
  const push = (delayMs: number, afterMarkedFailed: boolean) => {
    offset += delayMs;
    plan.push({ attempt: plan.length + 1, delayMs, offsetMs: offset, afterMarkedFailed });
  };
  schedule.delaysMs.forEach((delay, i) => push(i === 0 ? 0 : delay, false));
  for (let i = 0; i < (schedule.thereafter?.count ?? 0); i++) push(schedule.thereafter!.everyMs, true);
  return maxAttempts === undefined ? plan : plan.slice(0, maxAttempts);
}
