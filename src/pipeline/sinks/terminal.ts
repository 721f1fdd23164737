import type { DeliveryRecord } from '../../core/delivery.js';
import type { Outcome } from '../../core/engine.js';
import { formatDuration } from '../../core/schedule.js';
import type { Context } from '../../ui/context.js';
import { renderReceived, renderSent, formatMs } from '../../ui/render.js';
import { renderAttempt } from '../../ui/render-retry.js';
import { renderSummary } from '../../ui/render-summary.js';
import { startProgress, type Progress } from '../../ui/spinner.js';
import type { DeliveryEvent, Sink, WaitEvent } from '../stream.js';

export interface TerminalOptions {
  /** A load test: a spinner with a count instead of a line per delivery. */
  compactTotal?: number;
}

const COUNTDOWN_TICK_MS = 100;

/** The human view: a line per delivery on stdout, notes and summaries on stderr, spinners where a person watches. */
export function terminalSink(ctx: Context, options: TerminalOptions = {}): Sink {
  const c = ctx.color;
  // Lines go out together once per turn of the event loop: one write for a burst, not one each.
  let pending: string[] = [];
  const flush = () => {
    if (pending.length > 0) ctx.stdout.write(`${pending.join('\n')}\n`);
    pending = [];
  };
  const print = (line: string) => {
    if (pending.push(line) === 1) setImmediate(flush);
  };
  // Matched by body: Katana's events carry no id.
  const echoes = new Map<string, DeliveryRecord>();
  let spinner: Progress | undefined;
  let spinnerStarting: Promise<Progress> | undefined;
  let ticker: NodeJS.Timeout | undefined;
  let shown = 0;

  const stopSpinner = () => {
    if (ticker) clearInterval(ticker);
    ticker = undefined;
    spinner?.stop();
    spinner = undefined;
  };
  const withSpinner = (text: () => string) => {
    spinnerStarting = startProgress(ctx, text()).then((progress) => {
      spinner = progress;
      ticker = setInterval(() => progress.update(text()), COUNTDOWN_TICK_MS);
      return progress;
    });
  };

  const countdown = (event: WaitEvent) => {
    const { realMs, delayMs, nextAttempt } = event;
    if (!ctx.interactive) {
      ctx.err(
        c.dim(
          `  waiting ${formatDuration(delayMs)}${event.retryAfter ? ' (Retry-After)' : ''} · ${formatMs(realMs)} real`,
        ),
      );
      return;
    }
    const now = () => ctx.runtime.monotonicMs();
    const until = now() + realMs;
    withSpinner(
      () =>
        `attempt ${nextAttempt} in ${formatDuration(Math.max(0, ((until - now()) / realMs) * delayMs))} simulated · ${formatMs(Math.max(0, until - now()))} real`,
    );
  };

  const delivery = (event: DeliveryEvent) => {
    const { record, role, extra } = event;
    if (role === 'leg') return;
    if (role === 'echo') {
      echoes.set(record.request.body, record);
      return;
    }
    if (options.compactTotal !== undefined) {
      shown++;
      if (!spinnerStarting) withSpinner(() => `sent ${shown}/${options.compactTotal}`);
      return;
    }
    if (role === 'resent') {
      print(`${c.cyan('↻ sent again from the inspector')}  ${renderSent(c, record)}`);
      return;
    }
    if (record.direction === 'received') {
      print(renderReceived(c, record));
      return;
    }
    if (extra?.outcome !== undefined) {
      print(
        renderAttempt(c, {
          attempt: record.attempt,
          offsetMs: Number(extra.offsetMs ?? 0),
          result: { status: record.status, durationMs: record.durationMs },
          outcome: extra.outcome as Outcome,
          reason: String(extra.reason ?? ''),
        }),
      );
      return;
    }
    const step = typeof extra?.step === 'number' ? `${c.dim(`#${String(extra.step).padStart(2)}`)} ` : '';
    const notes = [
      extra?.duplicate ? c.yellow('(duplicate)') : '',
      record.kind === 'replay' && record.parentId ? c.dim(`replay of ${record.parentId}`) : '',
    ].filter(Boolean);
    print(`${step}${renderSent(c, record)}${notes.length ? `  ${notes.join('  ')}` : ''}`);
    const seen = echoes.get(record.request.body);
    if (seen) {
      echoes.delete(record.request.body);
      print(`   ${c.dim('↳ received')}  ${renderReceived(c, seen)}`);
    }
  };

  return {
    async accept(event) {
      if (event.type !== 'wait' && spinnerStarting && options.compactTotal === undefined) {
        await spinnerStarting;
        stopSpinner();
        spinnerStarting = undefined;
      }
      switch (event.type) {
        case 'delivery':
          return delivery(event);
        case 'wait':
          return countdown(event);
        case 'skipped':
          return ctx.err(c.dim(`Skipped ${event.deliveryId}: ${event.reason}`));
        case 'note':
          // On its own line: a load run's spinner ends here (what follows is the summary).
          if (spinnerStarting) await spinnerStarting;
          stopSpinner();
          flush();
          ctx.err(c.dim(event.message));
          return;
        case 'marked-failed':
          return print(
            c.yellow(`Marked failed after ${event.afterAttempt} attempts; the platform goes on once a day.`),
          );
        case 'summary': {
          if (spinnerStarting) await spinnerStarting;
          stopSpinner();
          flush();
          const rendered = renderSummary(c, event);
          if (rendered?.stream === 'out') ctx.out(rendered.text);
          else if (rendered) ctx.err(rendered.text);
          return;
        }
        case 'warning':
          return;
      }
    },
    acceptAll(events) {
      // A load run's deliveries only move the count: no promise each.
      if (options.compactTotal !== undefined && events.every((event) => event.type === 'delivery')) {
        for (const event of events) delivery(event);
        return;
      }
      return Promise.all(events.map((event) => this.accept(event))).then(() => undefined);
    },
    async close() {
      if (spinnerStarting) await spinnerStarting;
      stopSpinner();
      flush();
    },
  };
}
