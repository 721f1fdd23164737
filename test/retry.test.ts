import { describe, expect, it } from 'vitest';
import {
  classify,
  parseRetryAfter,
  runDelivery,
  type AttemptResult,
  type EngineEvent,
} from '../src/core/engine.js';
import { seededRandom } from '../src/core/flaky.js';
import {
  formatDuration,
  parseDuration,
  parseSchedule,
  planAttempts,
  SCHEDULE_PRESETS,
} from '../src/core/schedule.js';
import { verify } from '../src/core/schemes/index.js';
import { DEV_SECRET } from '../src/io/settings.js';
import { runCli, startCli, tempDir } from './helpers/cli.js';
import { testScope } from './helpers/scope.js';

const { later, receiver } = testScope();

/** Plays a plan with a fake clock: sleeping moves the clock, nothing waits. */
async function simulate(
  planName: keyof typeof SCHEDULE_PRESETS,
  answer: (n: number) => AttemptResult,
  deadlineMs = 5000,
  speed = 1,
) {
  let clock = 0;
  const sleeps: number[] = [];
  const events: EngineEvent[] = [];
  const done = await runDelivery({
    plan: planAttempts(SCHEDULE_PRESETS[planName]!),
    deadlineMs,
    speed,
    clock: () => clock,
    sleep: async (ms) => {
      sleeps.push(ms);
      clock += ms;
    },
    attempt: async (n) => answer(n),
    emit: (e) => events.push(e),
  });
  return { done, sleeps, events };
}

describe('schedules', () => {
  it('plans the whole MES schedule: five attempts, then one a day for seven days', () => {
    const plan = planAttempts(SCHEDULE_PRESETS.mes!);
    expect(plan).toHaveLength(12);
    expect(plan.slice(0, 5).map((p) => formatDuration(p.offsetMs))).toEqual([
      '0s',
      '5s',
      '35s',
      '5m35s',
      '35m35s',
    ]);
    expect(plan.slice(5).every((p) => p.afterMarkedFailed && p.delayMs === 86_400_000)).toBe(true);
    expect(formatDuration(plan.at(-1)!.offsetMs)).toBe('7d35m35s');
  });

  it('plans Katana and Standard Webhooks as published', () => {
    expect(planAttempts(SCHEDULE_PRESETS.katana!).map((p) => p.delayMs)).toEqual([
      0, 30_000, 120_000, 900_000,
    ]);
    expect(planAttempts(SCHEDULE_PRESETS.standard!).map((p) => formatDuration(p.delayMs))).toEqual([
      '0s',
      '5s',
      '5m',
      '30m',
      '2h',
      '5h',
      '10h',
      '14h',
      '20h',
      '1d',
    ]);
    expect(planAttempts(SCHEDULE_PRESETS.tracktile!)).toEqual(planAttempts(SCHEDULE_PRESETS.mes!));
  });

  it('reads lists, presets and exponential schedules', () => {
    expect(parseSchedule('0,5s,30s,5m', Math.random).delaysMs).toEqual([0, 5000, 30_000, 300_000]);
    expect(parseSchedule('0,250ms', Math.random).delaysMs).toEqual([0, 250]);
    expect(parseSchedule('katana', Math.random).name).toBe('katana');
    expect(parseSchedule('exponential:base=1s,factor=3,cap=20s,attempts=5', Math.random).delaysMs).toEqual([
      0, 1000, 3000, 9000, 20_000,
    ]);
    const jittered = () =>
      parseSchedule('exponential:base=10s,jitter=0.5,attempts=6', seededRandom(9)).delaysMs;
    expect(jittered()).toEqual(jittered());
    for (const [i, d] of jittered().slice(1).entries()) {
      const raw = 10_000 * 2 ** i;
      expect(d).toBeGreaterThanOrEqual(raw * 0.5);
      expect(d).toBeLessThanOrEqual(raw * 1.5);
    }
    expect(() => parseSchedule('0,soon', Math.random)).toThrow(/duration/);
    expect(() => parseSchedule('exponential:wobble=1', Math.random)).toThrow(/wobble/);
    expect(parseDuration('1.5h')).toBe(5_400_000);
  });
});

describe('the delivery engine', () => {
  it('runs the whole MES schedule, 7 daily attempts included, without waiting', async () => {
    const { done, sleeps, events } = await simulate('mes', () => ({ status: 500, durationMs: 3 }));
    expect(done).toMatchObject({
      succeeded: false,
      attempts: 12,
      markedFailed: true,
      simulatedMs: 7 * 86_400_000 + 35 * 60_000 + 35_000,
    });
    expect(sleeps).toEqual([5000, 30_000, 300_000, 1_800_000, ...Array(7).fill(86_400_000)]);
    const order = events
      .map((e) => (e.type === 'attempt' ? `a${e.attempt}` : e.type === 'marked-failed' ? 'marked' : null))
      .filter(Boolean);
    expect(order.indexOf('marked')).toBe(order.indexOf('a5') + 1);
  });

  it('divides every delay by --speed', async () => {
    const { sleeps } = await simulate('katana', () => ({ status: 503, durationMs: 1 }), 10_000, 1000);
    expect(sleeps).toEqual([30, 120, 900]);
  });

  it('stops at the first success', async () => {
    const { done } = await simulate('mes', (n) => ({ status: n === 4 ? 200 : 503, durationMs: 1 }));
    expect(done).toMatchObject({ succeeded: true, succeededOn: 4, attempts: 4, simulatedMs: 335_000 });
  });

  it('stops on 410, treats 3xx and slow answers as failures, and honours Retry-After', async () => {
    expect((await simulate('mes', () => ({ status: 410, durationMs: 1 }))).done).toMatchObject({
      gone: true,
      attempts: 1,
      succeeded: false,
    });
    expect(classify({ status: 301, durationMs: 1 }, 5000).outcome).toBe('failure');
    expect(classify({ status: 200, durationMs: 5001 }, 5000)).toMatchObject({
      outcome: 'failure',
      reason: expect.stringMatching(/deadline/),
    });
    expect(
      classify({ status: null, durationMs: 5050, error: 'no answer within 5050 ms' }, 5000).outcome,
    ).toBe('failure');
    const { sleeps } = await simulate('mes', (n) =>
      n === 1 ? { status: 429, durationMs: 1, retryAfterMs: 120_000 } : { status: 200, durationMs: 1 },
    );
    expect(sleeps).toEqual([120_000]);
    expect(parseRetryAfter('120', 0)).toBe(120_000);
    expect(parseRetryAfter(new Date(60_000).toUTCString(), 0)).toBe(60_000);
    expect(parseRetryAfter('soon', 0)).toBeUndefined();
  });
});

describe('mes-webhooks retry', () => {
  it('succeeds on the 4th attempt against listen --fail-first 3 (the README walk-through)', async () => {
    const cwd = tempDir();
    const listener = startCli(['listen', '--port', '0', '--fail-first', '3'], { cwd });
    later(() => listener.stop());
    const [, url] = await listener.waitFor(/Listening on (\S+)/);
    const res = await runCli(['retry', 'work_order.created', '--to', url!, '--speed', '1000'], { cwd });
    expect(res.code).toBe(0);
    expect(res.stdout).toMatch(/✖ attempt 1 .*503[\s\S]*✖ attempt 3 .*503[\s\S]*✔ attempt 4\s+\+5m35s\s+200/);
    expect(res.stdout).toMatch(/Delivered on attempt 4 of 4 \(5m35s simulated, [\d.]+ ms real\)/);
    const sent = (await runCli(['logs', '--direction', 'sent', '--json'], { cwd })).stdout
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l));
    expect(sent.map((r) => r.attempt)).toEqual([4, 3, 2, 1]);
    expect(new Set(sent.map((r) => r.groupId)).size).toBe(1);
    const show = await runCli(['logs', 'show', sent[0].deliveryId], { cwd });
    expect(show.stdout).toMatch(/Attempts, forwards and replays \(4\)/);
  });

  it('spaces attempts by the schedule divided by --speed, measured at a real receiver', async () => {
    const arrivals: number[] = [];
    const target = await receiver(() => {
      arrivals.push(performance.now());
      return { status: 500 };
    });
    const res = await runCli([
      'retry',
      'work_order.created',
      '--to',
      target.url,
      '--schedule',
      '0,4s,8s,2s',
      '--speed',
      '20',
      '--no-log',
    ]);
    expect(res.code).toBe(1);
    expect(res.stderr).toMatch(/failed on all 4 attempts/);
    const gaps = arrivals.slice(1).map((t, i) => t - arrivals[i]!);
    const expected = [200, 400, 100];
    gaps.forEach((gap, i) => {
      expect(gap).toBeGreaterThanOrEqual(expected[i]! * 0.95);
      expect(gap).toBeLessThan(expected[i]! + 1500);
    });
  });

  it('adds X-Katana-Retry-Num 1, 2, 3 to Katana retries', async () => {
    const target = await receiver(() => ({ status: 500 }));
    expect(
      (await runCli(['retry', 'sales_order.packed', '--to', target.url, '--speed', '100000', '--no-log']))
        .code,
    ).toBe(1);
    expect(target.received.map((r) => r.headers['x-katana-retry-num'])).toEqual([undefined, '1', '2', '3']);
    expect(new Set(target.received.map((r) => r.body.toString())).size).toBe(1);
  });

  it('keeps webhook-id and re-signs with a new timestamp for Standard Webhooks; Betterez gets new attemptIds', async () => {
    const target = await receiver(() => ({ status: 503 }));
    await runCli([
      'retry',
      'operationmessage.created',
      '--scheme',
      'standard',
      '--to',
      target.url,
      '--speed',
      '1000000',
      '--max-attempts',
      '3',
      '--no-log',
    ]);
    expect(target.received).toHaveLength(3);
    const ids = target.received.map((r) => r.headers['webhook-id']);
    expect(new Set(ids).size).toBe(1);
    const bodies = target.received.map((r) => JSON.parse(r.body.toString()));
    expect(new Set(bodies.map((b) => b.id)).size).toBe(1);
    expect(new Set(bodies.map((b) => b.attemptId)).size).toBe(3);
    for (const r of target.received) {
      expect(
        verify('standard', {
          secret: DEV_SECRET,
          body: r.body,
          headers: r.headers as Record<string, string>,
          now: Math.floor(Date.now() / 1000),
        }).ok,
      ).toBe(true);
    }
  });

  it('counts a receiver slower than the deadline as failed', async () => {
    const slow = await receiver(
      () => new Promise((resolve) => setTimeout(() => resolve({ status: 200 }), 600)),
    );
    const res = await runCli([
      'retry',
      'work_order.created',
      '--to',
      slow.url,
      '--deadline',
      '200ms',
      '--schedule',
      '0,1s',
      '--speed',
      '100',
      '--json',
      '--no-log',
    ]);
    expect(res.code).toBe(1);
    const lines = res.stdout
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l));
    const attempts = lines.filter((l) => l.deliveryId);
    expect(attempts.map((l) => [l.attempt, l.outcome, l.event])).toEqual([
      [1, 'failure', 'work_order.created'],
      [2, 'failure', 'work_order.created'],
    ]);
    expect(attempts[1]).toMatchObject({ kind: 'retry', retryOf: attempts[0].deliveryId });
    expect(lines.at(-1)).toMatchObject({ type: 'summary', of: 'retry', succeeded: false, attempts: 2 });
  });

  it('--dry-run prints the timeline, what changes, and a chart, sending nothing', async () => {
    const res = await runCli(['retry', 'sales_order.delivered', '--dry-run']);
    expect(res.code).toBe(0);
    expect(res.stdout).toMatch(/#2\s+\+30s\s+after 30s\s+x-katana-retry-num: 1/);
    expect(res.stdout).toMatch(/#4\s+\+17m30s\s+after 15m\s+x-katana-retry-num: 3/);
    expect(res.stdout).toMatch(/●─+●/);
    const mes = await runCli(['retry', 'work_order.created', '--dry-run', '--json']);
    const planned = mes.stdout
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l));
    expect(planned).toHaveLength(12);
    expect(planned[5]).toMatchObject({ attempt: 6, afterMarkedFailed: true });
    expect((await runCli(['retry', 'work_order.created'])).code).toBe(2);
  });
});
