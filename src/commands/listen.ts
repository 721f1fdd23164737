import type { Verdict } from '../core/delivery.js';
import { UsageError } from '../core/errors.js';
import { registryOf, resolveSecret } from '../io/config.js';
import { openStore } from '../io/store.js';
import { openStream } from '../pipeline/wire.js';
import { createListener } from '../server/listener.js';
import type { Context } from '../ui/context.js';
import { describeSecret } from './common.js';
import type { OptionsOf } from './declare.js';
import { relayOthers } from './listen-store.js';
import type { listenOptions } from './listen/options.js';

const LOOPBACK = new Set(['127.0.0.1', 'localhost', '::1']);

export async function listenCommand(ctx: Context, options: OptionsOf<typeof listenOptions>): Promise<number> {
  if (options.strictSchema && !options.schemaCheck)
    throw new UsageError('--strict-schema needs the schema check: leave out --no-schema-check');
  const { secret, source } = resolveSecret(options.secret, ctx.env, ctx.config);
  ctx.serving();
  const store = options.log ? await openStore(ctx, options.logUrl) : undefined;
  // Each delivery is answered once its record is durable, and 503 while the log cannot be written.
  const stream = await openStream(ctx, { json: options.json, log: options.log, store, acknowledge: true });
  const listener = createListener({
    host: options.host,
    port: options.port,
    path: options.path,
    secret,
    strict: options.strict,
    strictSchema: options.strictSchema,
    schemaCheck: options.schemaCheck,
    maxBodyBytes: options.maxBody,
    runtime: ctx.runtime,
    forwardTo: options.forwardTo,
    flaky: {
      status: options.status,
      failFirst: options.failFirst,
      failRate: options.failRate,
      seed: options.seed,
    },
    delayMs: options.delay,
    token: ctx.runtime.token(),
    registry: registryOf(ctx.config),
    ui: options.ui,
    stream,
  });
  const verdicts: Record<Verdict, number> = { valid: 0, invalid: 0, missing: 0, unchecked: 0 };
  let total = 0;
  listener.on('delivery', (record) => {
    total++;
    verdicts[record.signature?.verdict ?? 'unchecked']++;
  });

  try {
    await listener.start();
  } catch (error) {
    // A database connection must not keep the process alive after the usage error.
    await stream.close();
    await store?.close();
    const code = (error as { code?: string }).code;
    if (code === 'EADDRINUSE') {
      throw new UsageError(
        `port ${options.port} on ${options.host} is already in use`,
        'pick another with --port, or --port 0 for any free port',
      );
    }
    if (code === 'EACCES')
      throw new UsageError(`not allowed to listen on port ${options.port}`, 'pick a port above 1023');
    throw new UsageError(`cannot listen on ${options.host}:${options.port}: ${(error as Error).message}`);
  }

  // Opened before Ready: the file is 0600 at once, and an unwritable log is told before anyone is answered.
  await stream.open();
  const c = ctx.color;
  if (!LOOPBACK.has(options.host)) {
    ctx.err(c.yellow(`Warning: listening on ${options.host}, not loopback: other machines can send to it.`));
  }
  ctx.err(`${c.green('Ready!')} Listening on ${c.cyan(listener.url)}`);
  if (options.forwardTo) ctx.err(`Forwarding every delivery to ${c.cyan(options.forwardTo)}`);
  if (options.ui) ctx.err(`Inspector: ${c.cyan(listener.inspectorUrl())}`);
  ctx.err(c.dim(`Feed: ${listener.feedUrl()}`));
  const flaky = [
    options.status !== undefined && `answering ${options.status}`,
    options.failFirst && `failing the first ${options.failFirst} of each event with 503`,
    options.failRate &&
      `failing ${options.failRate * 100}% with 503${options.seed !== undefined ? ` (seed ${options.seed})` : ''}`,
    options.delay && `waiting ${options.delay} ms before answering`,
  ].filter(Boolean);
  if (flaky.length > 0) ctx.err(c.yellow(`Flaky on purpose: ${flaky.join(', ')}.`));
  ctx.err(
    c.dim(
      `Verifying with ${describeSecret(source)}${options.strict ? '; answering 401 to bad signatures' : ''}.`,
    ),
  );
  ctx.err(c.dim(`${store ? `Logging deliveries to ${store.where}. ` : ''}Press Ctrl-C to stop.`));
  // A shared database: deliveries other listeners stored appear on this one's feed and inspector.
  const relaying = new AbortController();
  const relay = store?.shared ? relayOthers(ctx, store, listener, relaying.signal) : undefined;

  await ctx.waitForStop();
  relaying.abort();
  await relay;
  await listener.close();
  if (!options.json) await stream.emit({ type: 'summary', of: 'listen', total, verdicts });
  await stream.close();
  await store?.close();
  // The warning said so when it happened; the exit code says so to a script.
  if (listener.unlogged > 0) {
    ctx.err(
      c.red(
        `${listener.unlogged} ${listener.unlogged === 1 ? 'delivery was' : 'deliveries were'} answered 503: the log could not keep them.`,
      ),
    );
    return 1;
  }
  return 0;
}
