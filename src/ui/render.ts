import type { ChalkInstance } from 'chalk';
import type { EventDef } from '../core/catalog.js';
import { bodyBytes, bodySize, type DeliveryRecord, type Verdict } from '../core/delivery.js';
import { safeText } from './sanitize.js';

export function formatBytes(n: number): string {
  if (n < 1024) return `${n} B`;
  if (n < 1024 * 1024) return `${(n / 1024).toFixed(1)} KiB`;
  return `${(n / 1024 / 1024).toFixed(1)} MiB`;
}

export function formatMs(ms: number): string {
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
    ? c.red(r.error.message)
    : c.dim(truncate(r.response ? bodyBytes(r.response).toString('utf8') : '', 60));
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
  if (r.simulated) notes.push(c.yellow(`simulated: ${r.simulated}`));
  if (r.forward) {
    notes.push(
      r.forward.status === null
        ? c.red(`→ app down: ${safeText(r.forward.error ?? 'no answer')}`)
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

/** The fields `listen --json` promises, one object a delivery. */
export function receivedJson(r: DeliveryRecord) {
  return {
    deliveryId: r.deliveryId,
    provider: r.provider,
    event: r.event,
    eventId: r.eventId,
    path: r.request.url,
    signature: r.signature?.verdict ?? 'unchecked',
    signatureReason: r.signature?.reason,
    status: r.status,
    bytes: bodySize(r.request),
    receivedAt: r.at,
    durationMs: r.durationMs,
    ...(r.simulated ? { simulated: r.simulated } : {}),
    ...(r.forward ? { forward: r.forward } : {}),
    ...(r.error ? { error: r.error.message } : {}),
  };
}

export function sentJson(r: DeliveryRecord) {
  return {
    deliveryId: r.deliveryId,
    provider: r.provider,
    event: r.event,
    eventId: r.eventId,
    scheme: r.scheme,
    url: r.request.url,
    status: r.status,
    ok: r.ok,
    durationMs: r.durationMs,
    sentAt: r.at,
    response: r.response ? bodyBytes(r.response).toString('utf8') : null,
    error: r.error ?? null,
  };
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
    lines.push(`  ${c.cyan(e.name.padEnd(width))}  ${c.dim(truncate(e.description, 90))}`);
  }
  return lines;
}
