import path from 'node:path';
import type { EventDef } from '../core/catalog.js';
import { FailureError, UsageError } from '../core/errors.js';
import { runPool } from '../core/pool.js';
import { summarize } from '../core/stats.js';
import { createDispatcher } from '../io/http.js';
import { resolveTarget } from '../io/config.js';
import { INTERRUPTED_EXIT_CODE, watchInterrupt } from '../pipeline/interrupt.js';
import { openStream } from '../pipeline/wire.js';
import type { Context } from '../ui/context.js';
import { pickEvent } from '../ui/prompts.js';
import type { DeliveryRecord } from '../core/delivery.js';
import type { DeliveryEvent } from '../pipeline/stream.js';
import { catalogFor, describeSecret, eventSettings, readJsonFile } from './common.js';
import type { OptionsOf } from './declare.js';
import { loadEventMaker } from './event-template.js';
import {
  deliverEvent,
  loadEvents,
  loadOrigin,
  signedBody,
  signedEvent,
  startLocalReceiver,
} from './outgoing.js';
import { stopSends } from './send-stop.js';
import type { sendOptions } from './send/options.js';

type Options = OptionsOf<typeof sendOptions>;

async function chooseEvents(ctx: Context, names: string[], options: Options): Promise<EventDef[]> {
  const catalog = await catalogFor(ctx);
  if (options.all) {
    if (names.length > 0) throw new UsageError('name events or use --all, not both');
    return options.provider ? catalog.ofProvider(options.provider) : [...catalog.events];
  }
  if (names.length > 0) return names.map((name) => catalog.find(name, options.provider));
  if (ctx.stdinIsTTY && ctx.interactive) {
    const picked = await pickEvent(catalog);
    return [catalog.find(picked.event, picked.provider)];
  }
  throw new UsageError('name an event to send, or use --all', 'e.g. mes-webhooks send work_order.created');
}

/** `--body FILE`: the exact text to send, checked to be one JSON object. */
async function readBody(ctx: Context, file: string, names: string[], options: Options): Promise<string> {
  if (options.all || names.length !== 1) throw new UsageError('--body goes with exactly one event name');
  if (options.data !== undefined || options.set.length > 0)
    throw new UsageError('--body is sent exactly as it is: leave out --data and --set');
  const { text, value: parsed } = await readJsonFile(ctx, file, '--body');
  const target = path.resolve(ctx.cwd, file);
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed))
    throw new UsageError(`--body file ${target} must hold one JSON object`);
  return text;
}

export async function sendCommand(ctx: Context, names: string[], options: Options): Promise<number> {
  const settings = await eventSettings(ctx, options);
  const body = options.body === undefined ? undefined : await readBody(ctx, options.body, names, options);
  const defs = await chooseEvents(ctx, names, options);
  if (defs.length === 0) throw new UsageError('there are no events to send');
  const total = defs.length * options.count;
  const stream = await openStream(ctx, {
    json: options.json,
    log: options.log,
    logUrl: options.logUrl,
    compactTotal: total > 1 && options.count > 1 ? total : undefined,
  });
  // Each event's target: --to, a config route, MES_WEBHOOKS_URL or the config's `to`.
  const targets = new Map(defs.map((def) => [def, resolveTarget(options.to, ctx.env, ctx.config, def.name)]));
  const local = [...targets.values()].includes(undefined)
    ? await startLocalReceiver(ctx, settings.secret(), stream)
    : undefined;
  const interrupt = watchInterrupt(ctx);
  const dispatcher = createDispatcher(options.concurrency);
  const latencies: number[] = [];
  const refused: string[] = [];
  let ok = 0;
  const urlOf = (def: EventDef) => targets.get(def) ?? local!.url;
  // --count sends to one http origin run on the load engine.
  // An exact --body is re-signed but never rebuilt, so it stays on the plain path.
  const load = options.count > 1 && body === undefined ? loadOrigin(defs.map(urlOf)) : undefined;
  const started = ctx.runtime.monotonicMs();
  // Every request written is logged and counted, those answered after Ctrl-C too.
  let written = 0;
  const stop = stopSends(ctx, interrupt, () => written - latencies.length, stream, dispatcher);

  const sendOne = async (def: EventDef) => {
    const event =
      body === undefined
        ? signedEvent(ctx, def, settings, options.scheme)
        : signedBody(ctx, def, body, settings, options.scheme);
    written++;
    const record = await deliverEvent(ctx, def, event, urlOf(def), {
      timeoutMs: options.timeout,
      dispatcher,
    });
    stop.mark(record);
    await settle(record);
  };
  const settle = async (record: DeliveryRecord) => {
    latencies.push(record.durationMs);
    if (record.ok) ok++;
    if (record.error?.code === 'ECONNREFUSED') refused.push(record.request.url);
    await stream.emit({ type: 'delivery', record });
  };

  // The engine settles requests synchronously, many in one turn of the event loop: they go on the
  // stream together once per turn, and every burst is awaited before the summary.
  const emitting = new Set<Promise<unknown>>();
  let burst: DeliveryEvent[] = [];
  const emitBurst = () => {
    if (burst.length === 0) return;
    const emitted = stream.emitAll(burst);
    burst = [];
    emitting.add(emitted);
    void emitted.then(() => emitting.delete(emitted));
  };
  const track = (record: DeliveryRecord) => {
    latencies.push(record.durationMs);
    if (record.ok) ok++;
    if (record.error?.code === 'ECONNREFUSED') refused.push(record.request.url);
    if (burst.push({ type: 'delivery', record }) === 1) setImmediate(emitBurst);
  };
  const makers = defs.map((def) => loadEventMaker(ctx, def, settings, options.scheme));
  const work = load
    ? loadEvents(ctx, load, defs, {
        total,
        connections: options.concurrency,
        timeoutMs: options.timeout,
        urlOf,
        build: (index, now) => {
          written++;
          return makers[index]!(now);
        },
        settle: track,
        signal: interrupt.signal,
        cutOff: stop.cutOff,
      })
    : runPool(
        total,
        options.concurrency,
        (index) => sendOne(defs[index % defs.length]!),
        () => interrupt.aborted,
      );
  // After Ctrl-C the run ends once every request written is settled.
  const interrupted = await stop.until(work);
  // What was answered before the end (or Ctrl-C) is on the stream before the summary.
  emitBurst();
  await Promise.all(emitting);
  const summary = summarize(latencies, ok, ctx.runtime.monotonicMs() - started);
  if (total > 1 || interrupted) await stream.emit({ type: 'summary', of: 'send', interrupted, ...summary });
  if (!interrupted) {
    await dispatcher.close();
    await local?.close();
  }
  await stream.close();
  if (interrupted) return INTERRUPTED_EXIT_CODE;

  if (settings.secretSource === 'default' && !options.json)
    ctx.err(ctx.color.dim(`Signed with ${describeSecret('default')}.`));
  if (summary.failed === 0) return 0;
  if (refused.length === summary.failed) {
    throw new FailureError(`nothing is listening at ${refused[0]}`, undefined, 'E_NOT_LISTENING');
  }
  throw new FailureError(
    summary.failed === 1 && total === 1
      ? 'the delivery was not answered with 2xx'
      : `${summary.failed} of ${total} deliveries were not answered with 2xx`,
  );
}
