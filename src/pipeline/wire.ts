import { logPath } from '../io/log.js';
import type { Context } from '../ui/context.js';
import { logSink } from './sinks/log.js';
import { ndjsonSink } from './sinks/ndjson.js';
import { terminalSink, type TerminalOptions } from './sinks/terminal.js';
import { warningSink } from './sinks/warnings.js';
import { DeliveryStream } from './stream.js';

export interface StreamOptions extends TerminalOptions {
  json: boolean;
  log: boolean;
}

/** A command's stream with its sinks: a new sink is one line here. */
export function openStream(ctx: Context, options: StreamOptions): DeliveryStream {
  const stream = new DeliveryStream();
  stream.subscribe(warningSink(ctx));
  if (options.log) stream.subscribe(logSink(logPath(ctx.env, ctx.cwd), stream));
  stream.subscribe(options.json ? ndjsonSink(ctx) : terminalSink(ctx, options));
  return stream;
}
