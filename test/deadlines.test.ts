import { createServer, type Socket } from 'node:net';
import type { AddressInfo } from 'node:net';
import { describe, expect, it } from 'vitest';
import { Deadlines, type DeadlineClock } from '../src/io/deadlines.js';
import { createDispatcher, postBytes } from '../src/io/http.js';
import { runCli } from './helpers/cli.js';
import { testScope } from './helpers/scope.js';

const { later } = testScope();

/** A clock a test moves by hand, with the one timer Deadlines arms at a time. */
function manualClock() {
  let now = 0;
  let timer: { at: number; fire: () => void } | undefined;
  const clock: DeadlineClock = {
    now: () => now,
    setTimer(fire, ms) {
      const armed = { at: now + ms, fire };
      timer = armed;
      return () => {
        if (timer === armed) timer = undefined;
      };
    },
  };
  return {
    clock,
    runtime: { monotonicMs: () => now },
    /** Moves the clock to `to`, firing the timer when its time has come (and any it arms then). */
    advance(to: number) {
      now = to;
      while (timer && timer.at <= now) {
        const { fire } = timer;
        timer = undefined;
        fire();
      }
    },
    /** The timer fires at its time while the clock reads `lag` less, as a native timer can. */
    fireEarly(lag: number) {
      const armed = timer!;
      timer = undefined;
      now = armed.at - lag;
      armed.fire();
    },
    armedAt: () => timer?.at,
  };
}

/** A loopback server that takes connections and never answers; counts them. */
async function muteReceiver() {
  const sockets: Socket[] = [];
  const server = createServer((socket) => sockets.push(socket));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  later(async () => {
    sockets.forEach((s) => s.destroy());
    await new Promise((resolve) => server.close(resolve));
  });
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/hook`, sockets };
}

const settledSoon = <T>(promise: Promise<T>) =>
  Promise.race([promise, new Promise<'pending'>((resolve) => setImmediate(() => resolve('pending')))]);

describe('request deadlines', () => {
  it('fire at their time, in order, never early, and not once cancelled', () => {
    const t = manualClock();
    const deadlines = new Deadlines(t.clock);
    const fired: string[] = [];
    deadlines.add(300, () => fired.push('a'));
    const cancelB = deadlines.add(200, () => fired.push('b'));
    deadlines.add(500, () => fired.push('c'));
    expect(t.armedAt()).toBe(200);
    cancelB();
    t.advance(299);
    expect(fired).toEqual([]);
    // Fired a millisecond ahead of the clock: armed again for the rest, not met early.
    t.fireEarly(1);
    expect(fired).toEqual([]);
    t.advance(300);
    expect(fired).toEqual(['a']);
    t.advance(500);
    expect(fired).toEqual(['a', 'c']);
    expect(t.armedAt()).toBeUndefined();
  });

  it('reach a deadline beyond the longest timer Node keeps in steps', () => {
    const t = manualClock();
    const fired: number[] = [];
    new Deadlines(t.clock).add(3e9, () => fired.push(3e9));
    expect(t.armedAt()).toBe(2 ** 31 - 1);
    t.advance(2 ** 31 - 1);
    expect(fired).toEqual([]);
    expect(t.armedAt()).toBe(3e9);
    t.advance(3e9);
    expect(fired).toEqual([3e9]);
  });

  it('a mute receiver: the answer is given up at the deadline on one connection, not at undici’s coarse tick', async () => {
    const mute = await muteReceiver();
    const t = manualClock();
    const dispatcher = createDispatcher(1, new Deadlines(t.clock));
    const result = postBytes(mute.url, { 'content-type': 'application/json' }, '{}', {
      timeoutMs: 300,
      dispatcher,
      runtime: t.runtime,
    });
    while (mute.sockets.length === 0) await new Promise((resolve) => setTimeout(resolve, 5));
    t.advance(299);
    expect(await settledSoon(result)).toBe('pending');
    t.advance(300);
    const timedOut = await settledSoon(result);
    expect(timedOut).toMatchObject({ status: null, durationMs: 300, error: { code: 'TIMEOUT' } });
    expect(String((timedOut as { error: { message: string } }).error.message)).toMatch(/within 300 ms/);
    // Closing does not wait out undici's own timeout for the request given up.
    await dispatcher.close();
    expect(mute.sockets).toHaveLength(1);
  });

  it('send --timeout 300 to a mute receiver records TIMEOUT after at least 300 ms, on one connection', async () => {
    const mute = await muteReceiver();
    const res = await runCli(['send', 'work_order.created', '--to', mute.url, '--timeout', '300', '--json'], {
      timeoutMs: 5_000,
    });
    expect(res.code).toBe(1);
    const record = JSON.parse(res.stdout) as { durationMs: number; error: { code: string } };
    expect(record.error.code).toBe('TIMEOUT');
    expect(record.durationMs).toBeGreaterThanOrEqual(300);
    expect(mute.sockets).toHaveLength(1);
  });
});
