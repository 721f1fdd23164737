import type { ChalkInstance } from 'chalk';
import type { EventDef } from '../core/catalog.js';
import { bodyBytes, bodySize, type DeliveryRecord, type Verdict } from '../core/delivery.js';
import { schemaSummary } from '../schema/summary.js';
import { safeText } from './sanitize.js';

export function formatBytes(n: number): string {
  if (n < 1024) return `${n} B`;
  if (n < 1024 * 1024) return `${(n / 1024).toFixed(1)} KiB`;
  return `${(n / 1024 / 1024).toFixed(1)} MiB`;
}

/** A duration for the terminal: a loopback answer in 0.06 ms shows as that, not as 0.0 ms. */
export function formatMs(ms: number): string {
  if (ms < 0.005) return '<0.01 ms';
  if (ms < 0.1) return `${ms.toFixed(2)} ms`;
  return ms < 10 ? `${ms.toFixed(1)} ms` : `${Math.round(ms)} ms`;
}

/** One line of text, cut to `max` characters with an ellipsis. */
export function truncate(text: string, max: number): string {
  const flat = text.replace(/\s+/g, ' ').trim();
  return flat.length <= max ? flat : `${flat.slice(0, max - 1)}…`;
}

export function colorStatus(c: ChalkInstance, status: number | null): string {
  if (status === null) return c.red('---');
  if (status < 300) return c.green(String(status));
  if (status < 400) return c.yellow(String(status));
  return c.red(String(status));
}

export function colorVerdict(c: ChalkInstance, verdict: Verdict): string {
  const text = verdict.padEnd(9);
  if (verdict === 'valid') return c.green(text);
  if (verdict === 'unchecked') return c.dim(text);
  return c.red(text);
}

const clock = (iso: string) => iso.slice(11, 19);
/** Exactly `width` characters: padded, or cut with an ellipsis (the full value is in --json and the log). */
const fit = (text: string, width: number) =>
  text.length > width ? `${text.slice(0, width - 1)}…` : text.padEnd(width);

/** A delivery `send` made: status, event, id, latency, target and the start of the answer. */
export function renderSent(c: ChalkInstance, r: DeliveryRecord): string {
  const mark = r.ok ? c.green('✔') : c.red('✖');
  const answer = r.error
    ? c.red(safeText(r.error.message))
    : c.dim(safeText(truncate(r.response ? bodyBytes(r.response).toString('utf8') : '', 60), 60));
  return [
    mark,
    colorStatus(c, r.status),
    c.bold(r.event ?? '?'),
    c.dim(r.eventId ?? ''),
    formatMs(r.durationMs),
    c.cyan(r.request.url),
    answer,
  ]
    .filter((part) => part !== '')
    .join('  ');
}

/** A delivery the listener took: time, provider, event, id, verdict, status, size, latency. */
export function renderReceived(c: ChalkInstance, r: DeliveryRecord): string {
  const size = formatBytes(bodySize(r.request));
  const verdict = r.signature ? colorVerdict(c, r.signature.verdict) : '';
  const notes: string[] = [];
  if (r.error) notes.push(c.red(safeText(r.error.message)));
  else if (r.signature && r.signature.verdict !== 'valid') notes.push(c.dim(safeText(r.signature.reason)));
  if (r.schema?.verdict === 'invalid') notes.push(c.yellow(safeText(schemaSummary(r.schema), 300)));
  if (r.simulated) notes.push(c.yellow(`simulated: ${r.simulated}`));
  if (r.forward) {
    notes.push(
      r.forward.status === null
        ? c.red(
            `→ app down: ${safeText(typeof r.forward.error === 'object' ? r.forward.error.message : (r.forward.error ?? 'no answer'))}`,
          )
        : `→ app ${colorStatus(c, r.forward.status)} ${formatMs(r.forward.durationMs)} ${c.dim(safeText(truncate(r.response ? bodyBytes(r.response).toString('utf8') : '', 50), 50))}`,
    );
  }
  const detail = notes.join('  ');
  return [
    c.dim(clock(r.at)),
    safeText(r.provider ?? '?', 20).padEnd(9),
    c.bold(safeText(r.event ?? '?', 80).padEnd(28)),
    c.dim(fit(safeText(r.eventId ?? '-', 80), 24)),
    verdict,
    colorStatus(c, r.status),
    size.padStart(9),
    formatMs(r.durationMs).padStart(8),
    detail,
  ]
    .filter((part) => part !== '')
    .join('  ');
}

export function renderEventTable(c: ChalkInstance, events: readonly EventDef[]): string[] {
  const width = Math.max(...events.map((e) => e.name.length));
  const lines: string[] = [];
  let provider = '';
  for (const e of events) {
    if (e.provider !== provider) {
      provider = e.provider;
      if (lines.length > 0) lines.push('');
      lines.push(c.bold.underline(provider));
    }
    // A user's fixture says so, and whether it stands in for the built-in event of its name.
    const mark = e.file
      ? `  ${c.yellow(e.overrides ? `[yours, used over the built-in: ${e.file}]` : `[yours: ${e.file}]`)}`
      : '';
    lines.push(`  ${c.cyan(e.name.padEnd(width))}  ${c.dim(truncate(e.description, 90))}${mark}`);
  }
  return lines;
}
