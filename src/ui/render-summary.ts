import type { ChalkInstance } from 'chalk';
import type { DoneEvent } from '../core/engine.js';
import type { SummaryEvent } from '../pipeline/stream.js';
import { renderDone } from './render-retry.js';

const plural = (n: number, one: string, many: string) => `${n} ${n === 1 ? one : many}`;

/** A run's closing line and where it goes, or nothing when one delivery's own line said it all. */
export function renderSummary(
  c: ChalkInstance,
  s: SummaryEvent,
): { text: string; stream: 'out' | 'err' } | undefined {
  const stopped = s.interrupted ? c.yellow('Stopped by Ctrl-C. ') : '';
  const n = (key: string) => Number(s[key] ?? 0);
  switch (s.of) {
    case 'send': {
      if (n('total') <= 1 && !s.interrupted) return undefined;
      const failed = n('failed') > 0 ? c.red(`${n('failed')} failed`) : '0 failed';
      return {
        stream: 'err',
        text:
          `${stopped}${n('total')} sent: ${c.green(`${n('ok')} ok`)}, ${failed}` +
          ` · ${n('requestsPerSecond')} req/s · p50 ${n('p50')} ms · p95 ${n('p95')} ms · p99 ${n('p99')} ms`,
      };
    }
    case 'retry':
      if (s.interrupted)
        return { stream: 'out', text: `${stopped}${plural(n('attempts'), 'attempt', 'attempts')} made.` };
      return { stream: 'out', text: renderDone(c, s as unknown as DoneEvent) };
    case 'replay':
      if (n('failed') > 0 && !s.interrupted) return undefined;
      return {
        stream: 'err',
        text: `${stopped}Replayed ${plural(n('sent'), 'delivery', 'deliveries')}${s.resign ? ', re-signed' : ', byte for byte'}${n('failed') ? `, ${n('failed')} not answered with 2xx` : ''}${n('skipped') ? `; skipped ${n('skipped')}` : ''}.`,
      };
    case 'scenario':
      if (n('failed') > 0 && !s.interrupted) return undefined;
      return {
        stream: 'err',
        text: `${stopped}Delivered ${plural(n('sent'), 'event', 'events')} of ${String(s.scenario)}.`,
      };
    case 'listen': {
      const verdicts = Object.entries((s.verdicts ?? {}) as Record<string, number>)
        .filter(([, count]) => count > 0)
        .map(([verdict, count]) => `${count} ${verdict}`);
      return {
        stream: 'err',
        text: `Stopped. ${plural(n('total'), 'delivery', 'deliveries')}${verdicts.length ? ` (${verdicts.join(', ')})` : ''}.`,
      };
    }
  }
}
