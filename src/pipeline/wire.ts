import { openStore, type DeliveryStore } from '../io/store.js';
import type { Context } from '../ui/context.js';
import { logSink } from './sinks/log.js';
import { ndjsonSink } from './sinks/ndjson.js';
import { terminalSink, type TerminalOptions } from './sinks/terminal.js';
import { warningSink } from './sinks/warnings.js';
import { DeliveryStream } from './stream.js';

export interface StreamOptions extends TerminalOptions {
  json: boolean;
  log: boolean;
  /** `--log-url`: keep the log in PostgreSQL (else MES_WEBHOOKS_LOG_URL, else the JSONL file). */
  logUrl?: string;
  /** A store the command already opened to read from; the caller closes it after the stream. */
  store?: DeliveryStore;
  /** The listener: every write is tried, even after a failure; an unwritten record is answered 503. */
  acknowledge?: boolean;
}

/**
 * A command's stream with its sinks: a new sink is one line here. Opening the log's store checks
 * a database URL and its credentials at once (exit 2 when they are wrong).
 */
export async function openStream(ctx: Context, options: StreamOptions): Promise<DeliveryStream> {
  const stream = new DeliveryStream();
  stream.subscribe(warningSink(ctx));
  if (options.log) {
    const store = options.store ?? (await openStore(ctx, options.logUrl));
    stream.subscribe(logSink(store, stream, { acknowledge: options.acknowledge, owned: !options.store }));
  }
  stream.subscribe(options.json ? ndjsonSink(ctx) : terminalSink(ctx, options));
  return stream;
}
