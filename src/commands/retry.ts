import { longSleep as sleep } from '../io/wait.js';
import { z } from 'zod';
import { providerOf } from '../core/build.js';
import type { DeliveryRecord } from '../core/delivery.js';
import { parseRetryAfter, runDelivery, type EngineEvent } from '../core/engine.js';
import { FailureError, UsageError } from '../core/errors.js';
import { seededRandom } from '../core/flaky.js';
import { STANDARD_SCHEDULE, SECOND_MS } from '../core/providers/index.js';
import { resignDelivery, type Redelivery } from '../core/redeliver.js';
import { formatDuration, parseDuration, parseSchedule, planAttempts } from '../core/schedule.js';
import { createDispatcher } from '../io/http.js';
import { DeliveryLog, logPath } from '../io/log.js';
import { deliver } from '../io/sender.js';
import { resolveTarget } from '../io/settings.js';
import type { Context } from '../ui/context.js';
import { formatMs } from '../ui/render.js';
import { renderAttempt, renderDone, renderPlanRow, timelineChart } from '../ui/render-retry.js';
import { startProgress } from '../ui/spinner.js';
import { catalogFor, eventOptionsShape, eventSettings, intOption, parseOptions } from './common.js';
import { signedEvent } from './outgoing.js';

const STANDARD_DEADLINE_MS = 15 * SECOND_MS;
const COUNTDOWN_TICK_MS = 100;

const schema = z.object({
  ...eventOptionsShape,
  to: z.string().optional(),
  schedule: z.string().min(1).optional(),
  speed: z.coerce.number({ error: 'must be a number' }).positive('must be above 0').default(1),
  maxAttempts: intOption(1, 1000).optional(),
  deadline: z.string().optional(),
  seed: intOption(0, 2 ** 32 - 1).optional(),
  dryRun: z.boolean().default(false),
  json: z.boolean().default(false),
  log: z.boolean().default(true),
});

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

export async function retryCommand(ctx: Context, eventName: string, raw: unknown): Promise<number> {
  const options = parseOptions(schema, raw);
  const [catalog, settings] = await Promise.all([catalogFor(ctx), eventSettings(ctx, options)]);
  const def = catalog.find(eventName, options.provider);
  const provider = providerOf(def);
  const standard = options.scheme === 'standard';
  const random = seededRandom(options.seed ?? Date.now());
  const schedule = options.schedule
    ? parseSchedule(options.schedule, random)
    : standard
      ? STANDARD_SCHEDULE
      : provider.schedule;
  const deadlineMs = options.deadline
    ? parseDuration(options.deadline)
    : standard
      ? STANDARD_DEADLINE_MS
      : provider.deadlineMs;
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
  if (!options.json) ctx.err(c.bold(`${header} · speed ×${options.speed} → ${target}`));
  const log = options.log ? new DeliveryLog(logPath(ctx.env, ctx.cwd)) : undefined;
  const dispatcher = createDispatcher(1);
  const records: DeliveryRecord[] = [];

  const countdown = async (realMs: number, next: number, simulatedMs: number) => {
    const progress = options.json ? undefined : await startProgress(ctx, '');
    const until = Date.now() + realMs;
    const label = () =>
      `attempt ${next} in ${formatDuration(Math.max(0, ((until - Date.now()) / realMs) * simulatedMs))} simulated · ${formatMs(Math.max(0, until - Date.now()))} real`;
    progress?.update(label());
    const ticker = setInterval(() => progress?.update(label()), COUNTDOWN_TICK_MS);
    try {
      await sleep(realMs);
    } finally {
      clearInterval(ticker);
      progress?.stop();
    }
  };
  let pendingWait: { nextAttempt: number; delayMs: number } | undefined;

  const emit = (event: EngineEvent) => {
    if (event.type === 'wait') {
      pendingWait = event;
      if (!options.json && !ctx.interactive) {
        ctx.err(
          c.dim(
            `  waiting ${formatDuration(event.delayMs)}${event.retryAfter ? ' (Retry-After)' : ''} · ${formatMs(event.realMs)} real`,
          ),
        );
      }
      return;
    }
    if (event.type === 'marked-failed') {
      if (options.json) ctx.out(JSON.stringify(event));
      else
        ctx.out(
          c.yellow(`Marked failed after ${event.afterAttempt} attempts; the platform goes on once a day.`),
        );
      return;
    }
    if (event.type === 'attempt') {
      const record = records[event.attempt - 1];
      if (options.json) {
        const { result, ...rest } = event;
        ctx.out(
          JSON.stringify({
            ...rest,
            status: result.status,
            durationMs: result.durationMs,
            deliveryId: record?.deliveryId,
          }),
        );
      } else ctx.out(renderAttempt(c, event));
      return;
    }
    if (options.json)
      ctx.out(
        JSON.stringify({ ...event, type: 'summary', event: def.name, groupId: records[0]?.deliveryId }),
      );
    else ctx.out(renderDone(c, event));
  };

  let done;
  try {
    done = await runDelivery({
      plan,
      deadlineMs,
      speed: options.speed,
      clock: () => Date.now(),
      sleep: (ms) =>
        pendingWait && ctx.interactive && !options.json
          ? countdown(ms, pendingWait.nextAttempt, pendingWait.delayMs)
          : sleep(ms),
      emit,
      attempt: async (n) => {
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
        void log?.append(record);
        return {
          status: record.status,
          durationMs: record.durationMs,
          retryAfterMs: parseRetryAfter(record.response?.headers['retry-after'], now.getTime()),
          error: record.error?.message,
        };
      },
    });
  } finally {
    await dispatcher.close();
    await log?.close();
  }
  if (!done.succeeded)
    throw new FailureError(
      done.gone ? 'the receiver answered 410 Gone' : `the delivery failed on all ${done.attempts} attempts`,
    );
  return 0;
}
