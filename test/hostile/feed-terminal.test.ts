// Large-history feed connects and control characters from the network, against the built binary.
import { Buffer } from 'node:buffer';
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import WebSocket from 'ws';
import { afterEach, describe, expect, it } from 'vitest';
import { runCli, tempDir } from '../helpers/cli.js';
import { answersIn, loggedIds, raw, startListener } from './harness.mjs';

type Running = Awaited<ReturnType<typeof startListener>>;
const running: Running[] = [];
afterEach(async () => {
  await Promise.all(
    running.splice(0).map(async (l) => {
      await l.stop();
      l.remove();
    }),
  );
});

const post = (body: Buffer, type = 'application/json') =>
  Buffer.concat([
    Buffer.from(
      `POST / HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\nContent-Type: ${type}\r\nContent-Length: ${body.length}\r\n\r\n`,
    ),
    body,
  ]);

function hello(port: number, token: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(`ws://127.0.0.1:${port}/__mes-webhooks/feed?token=${token}`, {
      maxPayload: 64 * 1024 * 1024,
    });
    ws.once('message', (data) => {
      ws.close();
      resolve(String(data));
    });
    ws.once('error', reject);
  });
}

/** Raw terminal controls: ESC, BEL, the 8-bit CSI and the bidi override. */
// eslint-disable-next-line no-control-regex
const CONTROL = /[\x1b\x07\x9b\u202e]/;

describe('the feed with a large history', () => {
  it('connects after 100 one-megabyte bodies of 0x01, with the history capped in bytes', async () => {
    const l = await startListener([]);
    running.push(l);
    const body = Buffer.alloc(1024 * 1024, 0x01);
    for (let i = 0; i < 100; i += 4) {
      const answers = await Promise.all(Array.from({ length: 4 }, () => raw(l.port, [post(body)])));
      for (const answer of answers) expect(answersIn(answer).statuses[0]).toBe(400);
    }
    const text = await hello(l.port, l.feedToken()!);
    const message = JSON.parse(text) as {
      type: string;
      deliveries: { request: { truncated?: boolean; bytes?: number } }[];
    };
    expect(message.type).toBe('hello');
    expect(text.length).toBeLessThan(9 * 1024 * 1024);
    expect(message.deliveries.length).toBeGreaterThan(0);
    expect(message.deliveries.at(-1)!.request).toMatchObject({ truncated: true, bytes: 1024 * 1024 });
    expect(l.alive()).toBe(true);
    await l.stop();
    // The log still holds every one of them whole.
    expect(loggedIds(l.logFile).size).toBe(100);
  }, 120_000);
});

describe('control characters from the network never reach the terminal raw', () => {
  const nasty = 'work_order.\u001b]52;c;ZXZpbA==\u0007\u001b[2J\u009b31m\u202ecreated';
  const envelope = (id: string) =>
    Buffer.from(JSON.stringify({ type: nasty, id, timestamp: '2026-01-01T00:00:00Z', data: {} }));

  it('escapes them in listen, listen --json, logs, logs --json and logs show', async () => {
    const l = await startListener([]);
    running.push(l);
    const answer = await raw(l.port, [post(envelope(`evt_\u001b]0;title\u0007`))]);
    const [id] = answersIn(answer).ids;
    expect(answersIn(answer).statuses[0]).toBe(200);
    await l.stop();
    expect(l.stdout()).toContain('work_order.\\x1b]52');
    expect(l.stdout()).not.toMatch(CONTROL);

    const jsonRun = await startListener(['--json']);
    running.push(jsonRun);
    await raw(jsonRun.port, [post(envelope('evt_2'))]);
    await jsonRun.stop();
    expect(jsonRun.stdout()).toContain('work_order.');
    expect(jsonRun.stdout()).not.toMatch(CONTROL);

    const env = { MES_WEBHOOKS_HOME: l.home };
    for (const args of [
      ['logs'],
      ['logs', '--json'],
      ['logs', 'show', id!],
      ['logs', 'show', id!, '--json'],
    ]) {
      const out = await runCli(args, { env, cwd: l.home });
      expect(out.code, args.join(' ')).toBe(0);
      expect(out.stdout, args.join(' ')).toContain('work_order.');
      expect(out.stdout + out.stderr, args.join(' ')).not.toMatch(CONTROL);
    }
  }, 60_000);

  it('filters a log holding a 400,000-character event name with a two-star glob', async () => {
    const home = tempDir();
    const record = {
      v: 1,
      deliveryId: 'dlv_long',
      direction: 'received',
      kind: 'receive',
      at: '2026-01-01T00:00:00.000Z',
      provider: 'mes',
      event: 'order'.repeat(80_000),
      eventId: null,
      scheme: null,
      attempt: 1,
      groupId: 'dlv_long',
      request: { method: 'POST', url: '/', headers: {}, body: '{}', bodyEncoding: 'utf8' },
      status: 200,
      ok: true,
      durationMs: 1,
    };
    writeFileSync(path.join(home, 'deliveries.jsonl'), `${JSON.stringify(record)}\n`);
    const out = await runCli(['logs', '--event', '*order*created', '--json'], {
      env: { MES_WEBHOOKS_HOME: home },
      timeoutMs: 20_000,
    });
    expect(out.code).toBe(0);
    expect(out.stdout.trim()).toBe('');
  });
});
