import type { ChalkInstance } from 'chalk';
import type { AttemptResult, DoneEvent, Outcome } from '../core/engine.js';
import { formatDuration, type PlannedAttempt } from '../core/schedule.js';
import { colorStatus, formatMs } from './render.js';

const AXIS_TICKS: [string, number][] = [
  ['0', 0],
  ['1m', 60_000],
  ['1h', 3_600_000],
  ['1d', 86_400_000],
  ['7d', 7 * 86_400_000],
];

/** Attempts on a logarithmic time axis, so seconds and days both show. */
export function timelineChart(plan: readonly PlannedAttempt[], width = 64): string[] {
  const last = plan.at(-1)?.offsetMs ?? 0;
  const maxSec = Math.max(60, last / 1000);
  const x = (ms: number) => Math.round((Math.log1p(ms / 1000) / Math.log1p(maxSec)) * (width - 1));
  const row = Array.from({ length: width }, () => '─');
  for (const p of plan) {
    const at = x(p.offsetMs);
    row[at] = row[at] === '─' ? (p.afterMarkedFailed ? '○' : '●') : '◉';
  }
  const labels = Array.from({ length: width + 4 }, () => ' ');
  const ticks = AXIS_TICKS.filter(([, ms]) => ms / 1000 <= maxSec);
  if (x(ticks.at(-1)![1]) < width - 8) ticks.push([formatDuration(last), last]);
  for (const [label, ms] of ticks) {
    const at = Math.min(x(ms), width - label.length);
    for (let i = 0; i < label.length; i++) labels[at + i] = label[i]!;
  }
  return [
    `  ${row.join('')}`,
    `  ${labels.join('').trimEnd()}`,
    '  ● attempt   ○ after "marked failed"   ◉ several at once (log scale)',
  ];
}

export function renderPlanRow(planned: PlannedAttempt, changes: string): string {
  return `  #${String(planned.attempt).padEnd(3)} ${`+${formatDuration(planned.offsetMs)}`.padEnd(12)} ${(planned.attempt === 1 ? 'at once' : `after ${formatDuration(planned.delayMs)}`).padEnd(14)} ${changes}`;
}

export function renderAttempt(
  c: ChalkInstance,
  e: { attempt: number; offsetMs: number; result: AttemptResult; outcome: Outcome; reason: string },
): string {
  const mark = e.outcome === 'success' ? c.green('✔') : c.red('✖');
  const what =
    e.result.status === null
      ? c.red(e.reason)
      : `${colorStatus(c, e.result.status)} ${formatMs(e.result.durationMs)}`;
  const why =
    e.result.status !== null && e.outcome !== 'success' && e.reason !== String(e.result.status)
      ? c.dim(e.reason)
      : '';
  return [`${mark} attempt ${e.attempt}`, c.dim(`+${formatDuration(e.offsetMs)}`.padEnd(10)), what, why]
    .filter(Boolean)
    .join('  ');
}

export function renderDone(c: ChalkInstance, done: DoneEvent): string {
  const times = `${formatDuration(done.simulatedMs)} simulated, ${formatMs(done.realMs)} real`;
  if (done.succeeded)
    return c.green(`Delivered on attempt ${done.succeededOn} of ${done.attempts} (${times}).`);
  if (done.gone)
    return c.red(`Stopped after attempt ${done.attempts}: the receiver answered 410 Gone (${times}).`);
  return c.red(`Marked failed: no attempt of ${done.attempts} succeeded (${times}).`);
}
