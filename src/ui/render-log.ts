import type { ChalkInstance } from 'chalk';
import { bodyBytes, type DeliveryRecord, type RecordedBody } from '../core/delivery.js';
import type { DeliveryJson } from '../core/delivery-json.js';
import { colorStatus, colorVerdict, formatMs, truncate } from './render.js';
import { safeBlock, safeText } from './sanitize.js';

const when = (iso: string) => `${iso.slice(0, 10)} ${iso.slice(11, 19)}`;

export function renderLogRow(c: ChalkInstance, r: DeliveryJson): string {
  const arrow = r.direction === 'sent' ? c.cyan('→') : c.magenta('←');
  return [
    c.dim(when(r.at)),
    arrow,
    r.kind.padEnd(7),
    safeText(r.provider ?? '?', 20).padEnd(9),
    c.bold(safeText(r.event ?? '?', 80).padEnd(30)),
    colorStatus(c, r.status).padEnd(3),
    formatMs(r.durationMs).padStart(8),
    r.attempt > 1 ? c.yellow(`#${r.attempt}`) : '  ',
    c.dim(safeText(r.deliveryId, 80)),
    r.error ? c.red(safeText(truncate(r.error.message, 50), 50)) : '',
  ]
    .join('  ')
    .trimEnd();
}

/** A body as a person wants to read it: pretty JSON when it is JSON. */
export function prettyBody(part: RecordedBody): string {
  if (part.bodyEncoding === 'base64') return `(binary, ${bodyBytes(part).length} bytes, base64) ${part.body}`;
  if (part.body === '') return '(empty)';
  try {
    return safeBlock(JSON.stringify(JSON.parse(part.body), null, 2));
  } catch {
    return safeBlock(part.body);
  }
}

export function renderShow(c: ChalkInstance, r: DeliveryRecord, chain: DeliveryRecord[]): string[] {
  const lines: string[] = [];
  lines.push(
    `${c.bold(safeText(r.deliveryId, 80))}  ${r.direction} (${r.kind})  attempt ${r.attempt}  ${safeText(when(r.at), 40)}  ${safeText(r.provider ?? '?', 40)} ${c.bold(safeText(r.event ?? '?', 300))}${r.eventId ? c.dim(`  ${safeText(r.eventId, 300)}`) : ''}`,
  );
  lines.push('', c.bold('Request'), `${safeText(r.request.method, 40)} ${safeText(r.request.url, 2000)}`);
  for (const [name, value] of Object.entries(r.request.headers))
    lines.push(`${c.dim(`${safeText(name, 200)}:`)} ${safeText(value, 2000)}`);
  lines.push('', prettyBody(r.request), '', c.bold('Response'));
  if (r.response) {
    lines.push(`${colorStatus(c, r.response.status)} in ${formatMs(r.durationMs)}`);
    for (const [name, value] of Object.entries(r.response.headers))
      lines.push(`${c.dim(`${safeText(name, 200)}:`)} ${safeText(value, 2000)}`);
    lines.push('', prettyBody(r.response));
  } else {
    lines.push(
      c.red(
        `no response after ${formatMs(r.durationMs)}: ${safeText(r.error?.message ?? 'unknown error', 500)}`,
      ),
    );
  }
  if (r.signature)
    lines.push(
      '',
      `${c.bold('Signature')} ${colorVerdict(c, r.signature.verdict).trim()} — ${safeText(r.signature.reason, 500)}`,
    );
  if (r.simulated) lines.push(`${c.bold('Simulated')} ${safeText(r.simulated, 200)}`);
  if (chain.length > 1) {
    lines.push('', c.bold(`Attempts, forwards and replays (${chain.length})`));
    for (const link of chain) {
      const mark = link.deliveryId === r.deliveryId ? c.cyan('▶') : ' ';
      const arrow = link.direction === 'sent' ? '→' : '←';
      lines.push(
        `${mark} ${c.dim(when(link.at))}  ${arrow} ${link.kind.padEnd(7)} #${link.attempt}  ${colorStatus(c, link.status)}  ${formatMs(link.durationMs).padStart(8)}  ${safeText(link.deliveryId, 80)}  ${c.dim(safeText(link.request.url, 200))}`,
      );
    }
  }
  return lines;
}
