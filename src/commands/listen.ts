import { z } from 'zod';
import type { Verdict } from '../core/delivery.js';
import { UsageError } from '../core/errors.js';
import { DeliveryLog, logPath } from '../io/log.js';
import { newToken } from '../io/runtime.js';
import { resolveSecret } from '../io/settings.js';
import { createListener, DEFAULT_HOST, DEFAULT_MAX_BODY_BYTES, DEFAULT_PORT } from '../server/listener.js';
import type { Context } from '../ui/context.js';
import { receivedJson, renderReceived } from '../ui/render.js';
import { safeJsonLine } from '../ui/sanitize.js';
import { describeSecret, intOption, parseOptions } from './common.js';

const LOOPBACK = new Set(['127.0.0.1', 'localhost', '::1']);

const schema = z.object({
  port: intOption(0, 65535).default(DEFAULT_PORT),
  host: z.string().min(1).default(DEFAULT_HOST),
  path: z
    .string()
    .regex(/^\/[^\s?#]*$/, 'must start with / and hold no spaces, ? or #')
    .optional(),
  secret: z.string().min(1).optional(),
  strict: z.boolean().default(false),
  maxBody: intOption(1, 1024 * 1024 * 1024).default(DEFAULT_MAX_BODY_BYTES),
  forwardTo: z.url({ protocol: /^https?$/, error: 'must be an http(s) URL' }).optional(),
  status: intOption(100, 599).optional(),
  delay: intOption(0, 10 * 60_000).optional(),
  failFirst: intOption(0, 1_000_000).optional(),
  failRate: z.coerce
    .number({ error: 'must be a number from 0 to 1' })
    .min(0, 'must be a number from 0 to 1')
    .max(1, 'must be a number from 0 to 1')
    .optional(),
  seed: intOption(0, 2 ** 32 - 1).optional(),
  ui: z.boolean().default(false),
  json: z.boolean().default(false),
  log: z.boolean().default(true),
  config: z.string().optional(),
});

export async function listenCommand(ctx: Context, raw: unknown): Promise<number> {
  const options = parseOptions(schema, raw);
  const { secret, source } = resolveSecret(options.secret, ctx.env, ctx.config);
  const log = options.log ? new DeliveryLog(logPath(ctx.env, ctx.cwd)) : undefined;
  const listener = createListener({
    host: options.host,
    port: options.port,
    path: options.path,
    secret,
    strict: options.strict,
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
    token: newToken(),
    ui: options.ui,
    // Every answer waits for its record to be written: nothing is acknowledged that is not logged.
    persist: log
      ? (record) =>
          log.append(record).catch((error: Error) => {
            logFailed(error);
            throw error;
          })
      : undefined,
  });
  let logBroken = false;
  function logFailed(error: Error): void {
    if (logBroken) return;
    logBroken = true;
    ctx.err(
      ctx.color.red(
        `could not write the delivery log ${log?.file}: ${error.message}. Deliveries are answered 503 until it can be written.`,
      ),
    );
  }
  // Lines go out together once per turn of the event loop: one write for a burst, not one each.
  let pending: string[] = [];
  const flush = () => {
    if (pending.length > 0) ctx.stdout.write(`${pending.join('\n')}\n`);
    pending = [];
  };
  const printLater = (line: string) => {
    if (pending.push(line) === 1) setImmediate(flush);
  };
  const counts: Record<Verdict, number> = { valid: 0, invalid: 0, missing: 0, unchecked: 0 };
  let total = 0;
  listener.on('delivery', (record) => {
    total++;
    counts[record.signature?.verdict ?? 'unchecked']++;
    printLater(options.json ? safeJsonLine(receivedJson(record)) : renderReceived(ctx.color, record));
  });

  try {
    await listener.start();
  } catch (error) {
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

  await log?.open().catch(logFailed);
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
  if (log) ctx.err(c.dim(`Logging deliveries to ${log.file}. Press Ctrl-C to stop.`));

  await ctx.waitForStop();
  await listener.close();
  flush();
  await log?.close();
  const parts = (Object.keys(counts) as Verdict[])
    .filter((v) => counts[v] > 0)
    .map((v) => `${counts[v]} ${v}`);
  ctx.err(
    `Stopped. ${total} ${total === 1 ? 'delivery' : 'deliveries'}${parts.length ? ` (${parts.join(', ')})` : ''}.`,
  );
  if (logBroken) ctx.err(c.red('Some deliveries could not be logged; they were answered 503.'));
  return logBroken ? 1 : 0;
}
