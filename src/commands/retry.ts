import { providerOf } from '../core/build.js';
import type { DeliveryRecord } from '../core/delivery.js';
import { parseRetryAfter, runDelivery, type EngineEvent } from '../core/engine.js';
import { FailureError, UsageError } from '../core/errors.js';
import { seededRandom } from '../core/flaky.js';
import { STANDARD_SCHEDULE, SECOND_MS } from '../core/providers/index.js';
import { resignDelivery, type Redelivery } from '../core/redeliver.js';
import { formatDuration, parseSchedule, planAttempts } from '../core/schedule.js';
import { createDispatcher } from '../io/http.js';
import { deliver } from '../io/sender.js';
import { registryOf, resolveTarget } from '../io/config.js';
import type { Context } from '../ui/context.js';
import { formatMs } from '../ui/render.js';
import { INTERRUPTED_EXIT_CODE, untilInterrupted, watchInterrupt } from '../pipeline/interrupt.js';
import { openStream } from '../pipeline/wire.js';
import { renderPlanRow, timelineChart } from '../ui/render-retry.js';
import { readFlag } from '../ui/errors.js';
import { catalogFor, eventSettings } from './common.js';
import type { OptionsOf } from './declare.js';
import type { retryOptions } from './retry/options.js';
import { signedEvent } from './outgoing.js';

const STANDARD_DEADLINE_MS = 15 * SECOND_MS;

/** What changes between the first attempt and a retry, worked out by making the retry. */
function describeChanges(first: Redelivery, retry: Redelivery): string {
  const changed: string[] = [];
  for (const [name, value] of Object.entries(retry.headers)) {
    if (first.headers[name] === value) continue;
    changed.push(first.headers[name] === undefined ? `${name}: ${value}` : `new ${name}`);
  }
  try {
    const a = JSON.parse(first.body.toString('utf8'));
    const b = JSON.parse(retry.body.toString('utf8'));
    for (const key of Object.keys(b))
      if (JSON.stringify(a[key]) !== JSON.stringify(b[key])) changed.push(`new body.${key}`);
  } catch {
    // Not JSON: nothing to compare field by field.
  }
  return changed.length === 0 ? 'the same bytes and headers' : changed.join(', ');
}

export async function retryCommand(
  ctx: Context,
  eventName: string,
  options: OptionsOf<typeof retryOptions>,
): Promise<number> {
  const registry = registryOf(ctx.config);
  const [catalog, settings] = await Promise.all([catalogFor(ctx), eventSettings(ctx, options)]);
  const def = catalog.find(eventName, options.provider);
  const provider = providerOf(def, registry);
  const standard = options.scheme === 'standard';
  const random = seededRandom(options.seed ?? Math.floor(ctx.runtime.random() * 2 ** 32));
  const schedule = options.schedule
    ? readFlag('--schedule', () => parseSchedule(options.schedule!, random, registry.schedules))
    : standard
      ? STANDARD_SCHEDULE
      : provider.schedule;
  const deadlineMs = options.deadline ?? (standard ? STANDARD_DEADLINE_MS : provider.deadlineMs);
  const plan = planAttempts(schedule, options.maxAttempts);
  const first = signedEvent(ctx, def, settings, options.scheme);
  const firstDelivery: Redelivery = { body: Buffer.from(first.body), headers: first.headers };

  /** Attempt n as the platform would make it: the first as built, retries re-signed with their own headers. */
  const makeAttempt = (attempt: number, now: Date): Redelivery => {
    if (attempt === 1) return firstDelivery;
    const again = resignDelivery({
      ...firstDelivery,
      scheme: first.scheme,
      provider: def.provider,
      secret: settings.secretFor(def.provider),
      fresh: { now, uuid: ctx.runtime.uuid },
      registry,
    });
    return { body: again.body, headers: { ...again.headers, ...provider.retryHeaders?.(attempt - 1) } };
  };

  const c = ctx.color;
  const header = `${def.name} (${provider.name}) · schedule ${schedule.name} · deadline ${formatDuration(deadlineMs)}`;
  if (options.dryRun) {
    const start = ctx.runtime.now().getTime();
    const rows = plan.map((p) => ({
      ...p,
      changes:
        p.attempt === 1
          ? 'signed, as send would'
          : describeChanges(firstDelivery, makeAttempt(p.attempt, new Date(start + p.offsetMs))),
    }));
    if (options.json) {
      for (const row of rows) ctx.out(JSON.stringify({ type: 'planned', ...row }));
      return 0;
    }
    ctx.out(c.bold(header));
    for (const row of rows) {
      if (row.afterMarkedFailed && !rows[row.attempt - 2]?.afterMarkedFailed)
        ctx.out(c.yellow(`  — marked failed after attempt ${row.attempt - 1}; then once a day —`));
      ctx.out(renderPlanRow(row, c.dim(row.changes)));
    }
    ctx.out('');
    for (const line of timelineChart(plan)) ctx.out(line);
    return 0;
  }

  const target = resolveTarget(options.to, ctx.env, ctx.config);
  if (!target) {
    throw new UsageError(
      'retry needs a receiver to play the schedule against',
      'pass --to URL; to see a retry succeed, run `mes-webhooks listen --fail-first 3` and --to it',
    );
  }
  // The platform's daily tail after "marked failed" is a week of waiting: played only with --full.
  const played = options.full ? plan : plan.filter((p) => !p.afterMarkedFailed);
  const cut = played.length < plan.length;
  const lastOffset = played.at(-1)?.offsetMs ?? 0;
  if (!options.json) {
    ctx.err(c.bold(`${header} · speed ×${options.speed} → ${target}`));
    ctx.err(
      c.dim(
        `${played.length} ${played.length === 1 ? 'attempt' : 'attempts'} over ${formatDuration(lastOffset)} simulated: up to ${lastOffset / options.speed < 1000 ? formatMs(lastOffset / options.speed) : formatDuration(lastOffset / options.speed)} real at ×${options.speed}` +
          (cut
            ? `; stops at "marked failed" (--full plays the ${plan.length - played.length} daily attempts after it)`
            : '.'),
      ),
    );
  }
  const stream = await openStream(ctx, { json: options.json, log: options.log, logUrl: options.logUrl });
  const interrupt = watchInterrupt(ctx);
  const dispatcher = createDispatcher(1);
  const records: DeliveryRecord[] = [];
  let chain = Promise.resolve();
  const emit = (event: EngineEvent) => {
    // The engine's events go on the stream in order; an attempt's line is its delivery.
    chain = chain.then(async () => {
      // After Ctrl-C the engine winds down on its own; its last events are not this run's.
      if (interrupt.aborted) return;
      if (event.type === 'attempt') {
        const { attempt, offsetMs, outcome, reason } = event;
        await stream.emit({
          type: 'delivery',
          record: records[attempt - 1]!,
          extra: { offsetMs, outcome, reason },
        });
      } else if (event.type === 'done') {
        const figures: Partial<typeof event> = { ...event };
        delete figures.type;
        if (cut && !event.succeeded && !event.gone)
          await stream.emit({ type: 'marked-failed', afterAttempt: event.attempts });
        await stream.emit({
          ...figures,
          type: 'summary',
          of: 'retry',
          event: def.name,
          groupId: records[0]?.deliveryId,
        });
      } else await stream.emit(event);
    });
  };

  const work = runDelivery({
    plan: played,
    deadlineMs,
    speed: options.speed,
    clock: () => ctx.runtime.now().getTime(),
    sleep: (ms) => ctx.runtime.sleep(ms, interrupt.signal),
    emit,
    attempt: async (n) => {
      if (interrupt.aborted) return { status: null, durationMs: 0, error: 'stopped' };
      const now = ctx.runtime.now();
      const outgoing = makeAttempt(n, now);
      const previous = records.at(-1);
      const record = await deliver(
        {
          kind: n === 1 ? 'send' : 'retry',
          url: target,
          headers: outgoing.headers,
          body: outgoing.body,
          provider: def.provider,
          event: def.name,
          eventId: first.eventId ?? null,
          scheme: first.scheme,
          attempt: n,
          ...(previous ? { parentId: previous.deliveryId, groupId: previous.groupId } : {}),
        },
        // The request is aborted a little after the deadline so a slow answer is seen as slow.
        { runtime: ctx.runtime, timeoutMs: deadlineMs + 50, dispatcher },
      );
      records.push(record);
      return {
        status: record.status,
        durationMs: record.durationMs,
        retryAfterMs: parseRetryAfter(record.response?.headers['retry-after'], now.getTime()),
        error: record.error?.message,
      };
    },
  });
  let done: Awaited<typeof work> | undefined;
  const interrupted = await untilInterrupted(
    interrupt,
    work.then((result) => {
      done = result;
    }),
  );
  if (interrupted) {
    await stream.emit({
      type: 'summary',
      of: 'retry',
      interrupted,
      event: def.name,
      attempts: records.length,
    });
    await stream.close();
    return INTERRUPTED_EXIT_CODE;
  }
  await chain;
  await dispatcher.close();
  await stream.close();
  done = done!;
  if (!done.succeeded)
    throw new FailureError(
      done.gone ? 'the receiver answered 410 Gone' : `the delivery failed on all ${done.attempts} attempts`,
    );
  return 0;
}
