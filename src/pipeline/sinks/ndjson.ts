import { deliveryJson } from '../../core/delivery-json.js';
import type { Context } from '../../ui/context.js';
import { safeJsonLine, safeJsonText } from '../../ui/sanitize.js';
import type { Sink, StreamEvent } from '../stream.js';
import { deliveryText } from '../text.js';

/** The JSON line of an event, or nothing for what a --json stream leaves out. */
export function jsonLine(event: StreamEvent): string | undefined {
  switch (event.type) {
    case 'delivery':
      // Forward legs are inside their delivery; what the in-process receiver got is not this run's output.
      if (event.role === 'leg' || event.role === 'echo') return undefined;
      // What came from the network stays JSON, with nothing a terminal would act on.
      return event.extra
        ? safeJsonLine({ ...deliveryJson(event.record), ...event.extra })
        : safeJsonText(deliveryText(event));
    case 'warning':
    case 'note':
      return undefined;
    default:
      return JSON.stringify(event);
  }
}

/**
 * `--json`: one line per delivery in the documented shape; other lines carry a `type`. Lines of one
 * turn of the event loop go out in one write; the producer waits only while stdout is full.
 */
export function ndjsonSink(ctx: Context): Sink {
  let pending: string[] = [];
  let full: Promise<void> | undefined;
  const flush = () => {
    if (pending.length === 0) return;
    const text = pending.join('\n');
    pending = [];
    const written = ctx.stream(text).then(() => {
      if (full === written) full = undefined;
    });
    full = written;
  };
  return {
    accept(event) {
      // A note is for the person watching, on stderr: stdout stays JSON.
      if (event.type === 'note') {
        ctx.err(ctx.color.dim(event.message));
        return;
      }
      const line = jsonLine(event);
      if (line === undefined) return;
      if (pending.push(line) === 1) setImmediate(flush);
      return full;
    },
    async close() {
      flush();
      await full;
    },
    acceptAll(events) {
      // A burst as one write: one wait for stdout, not one per line.
      const lines = events.map(jsonLine).filter((line) => line !== undefined);
      if (lines.length > 0) return ctx.stream(lines.join('\n'));
    },
  };
}
