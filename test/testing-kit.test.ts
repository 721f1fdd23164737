import { createServer } from 'node:http';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it, vi } from 'vitest';
import { verify } from '../src/core/schemes/index.js';
import {
  checkReceiver,
  createFakeClock,
  deliver,
  simulateRetries,
  type ReceiverCheck,
} from '../src/testing/index.js';
import { withWebhook } from '../src/web.js';
import { tempDir } from './helpers/cli.js';
import { freePort } from './helpers/receiver.js';
import {
  expressReserializing,
  fastifyAcceptingAnySignature,
  honoAcceptingAnySignature,
  slowExpress,
  slowRouteHandler,
} from './helpers/flawed-receivers.js';
import { testScope } from './helpers/scope.js';

const secret = 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw';
const scope = testScope();
const failed = (results: ReceiverCheck[]) => results.filter((r) => r.status === 'fail').map((r) => r.id);

describe('deliver', () => {
  const handler = withWebhook({ provider: 'mes', secret }, async (w) => Response.json({ event: w.event }));

  it('sends the same signed bytes to a URL, a node listener, a node server and a fetch handler', async () => {
    const seen: { path: string; ok: boolean }[] = [];
    const listener = (req: import('node:http').IncomingMessage, res: import('node:http').ServerResponse) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        const body = Buffer.concat(chunks);
        const ok = verify('mes', { secret, body, headers: req.headers as Record<string, string>, now: 0 }).ok;
        seen.push({ path: req.url ?? '', ok });
        res.writeHead(ok ? 202 : 401).end();
      });
    };
    const receiver = await scope.receiver((req) => ({
      status: verify('mes', {
        secret,
        body: req.body,
        headers: req.headers as Record<string, string>,
        now: 0,
      }).ok
        ? 204
        : 401,
    }));
    const url = await deliver(receiver.url, 'work_order.created', { secret });
    expect(url.status).toBe(204);
    expect(receiver.received[0]!.body.toString()).toBe(url.delivery.body);

    expect((await deliver(listener, 'work_order.created', { secret, path: '/hooks' })).status).toBe(202);
    const server = createServer(listener);
    expect((await deliver(server, 'work_order.created', { secret })).status).toBe(202);
    expect(server.listening).toBe(false);
    expect(seen).toEqual([
      { path: '/hooks', ok: true },
      { path: '/', ok: true },
    ]);

    const fetched = await deliver(handler, 'work_order.started', { secret });
    expect([fetched.status, JSON.parse(fetched.body)]).toEqual([200, { event: 'work_order.started' }]);
    expect(fetched.delivery).toMatchObject({ event: 'work_order.started', provider: 'mes', scheme: 'mes' });
  });

  it('applies set, data, headers and the clock to the delivery', async () => {
    const res = await deliver(handler, 'work_order.created', {
      secret,
      now: new Date('2026-01-02T03:04:05Z'),
      set: { 'data.workOrder.quantity': 7 },
      headers: { 'x-trace': 'abc' },
    });
    expect(res.delivery.payload).toMatchObject({ data: { workOrder: { quantity: 7 } } });
    expect(res.delivery.body).toContain('2026-01-02T03:04:05');
    expect(res.delivery.headers['x-trace']).toBe('abc');
  });

  it('breaks a delivery each way a correct receiver refuses', async () => {
    const standard = withWebhook({ scheme: 'standard', secret }, async () => new Response('ok'));
    for (const tamper of ['body', 'signature', 'timestamp-stale', 'timestamp-future', 'secret'] as const) {
      const res = await deliver(standard, 'work_order.created', { secret, scheme: 'standard', tamper });
      expect([tamper, res.status]).toEqual([tamper, 401]);
    }
    await expect(deliver(handler, 'work_order.created', { tamper: 'timestamp-stale' })).rejects.toThrow(
      /signs no timestamp/,
    );
  });

  it('answers a handler that throws as a platform would, with 500, and names an unknown event', async () => {
    const res = await deliver(() => Promise.reject(new Error('boom')), 'work_order.created');
    expect(res).toMatchObject({ status: 500, error: 'the handler threw: boom' });
    await expect(deliver(handler, 'work_order.exploded')).rejects.toThrow(/work_order/);
  });

  it('writes to the delivery log only when asked', async () => {
    const dir = tempDir();
    const file = path.join(dir, 'log.jsonl');
    await deliver(handler, 'work_order.created', { secret });
    await deliver(handler, 'work_order.created', { secret, log: file });
    const lines = readFileSync(file, 'utf8').trim().split('\n');
    expect(lines).toHaveLength(1);
    expect(JSON.parse(lines[0]!)).toMatchObject({ kind: 'send', event: 'work_order.created', status: 200 });
  });
});

describe('checkReceiver against flawed receivers', () => {
  it('fails a Hono receiver that accepts any signature on the signature checks, with evidence and hint', async () => {
    const results = await checkReceiver(honoAcceptingAnySignature(), {
      provider: 'mes',
      secret,
      path: '/webhooks',
    });
    expect(failed(results)).toEqual([
      'signature.missing',
      'signature.wrong-secret',
      'signature.tampered-body',
      'signature.malformed',
    ]);
    const wrong = results.find((r) => r.id === 'signature.wrong-secret')!;
    expect(wrong.message).toMatch(
      /^signature.wrong-secret: accepted it with 200\n {2}sent: {5}POST work_order/,
    );
    expect(wrong.message).toMatch(
      /received: 200 after \d+ ms: \{"ok":true\}\n {2}hint: compare the signature/,
    );
  });

  it('fails a Fastify receiver that accepts any signature on signatures and timestamps (Tracktile)', async () => {
    const results = await checkReceiver(fastifyAcceptingAnySignature(), {
      provider: 'tracktile',
      secret,
      path: '/webhooks',
    });
    expect(failed(results)).toEqual([
      'signature.missing',
      'signature.wrong-secret',
      'signature.tampered-body',
      'signature.malformed',
      'timestamp.stale',
      'timestamp.future',
    ]);
  });

  it('fails an Express receiver that re-serializes the body on raw-bytes alone', async () => {
    const results = await checkReceiver(expressReserializing(secret, 'tracktile'), {
      provider: 'tracktile',
      secret,
      path: '/webhooks',
    });
    expect(failed(results)).toEqual(['signature.raw-bytes']);
  });

  it('only warns on raw-bytes where the vendor itself re-serializes (MES), with the evidence', async () => {
    const results = await checkReceiver(expressReserializing(secret), {
      provider: 'mes',
      secret,
      path: '/webhooks',
    });
    expect(failed(results)).toEqual([]);
    const rawBytes = results.find((r) => r.id === 'signature.raw-bytes')!;
    expect(rawBytes.status).toBe('warn');
    expect(rawBytes.message).toMatch(/re-serialized body[\s\S]*sent: {5}POST[\s\S]*hint: compute the HMAC/);
  });

  it('fails slow receivers on the deadline alone, timed by a clock they advance', async () => {
    for (const make of [slowRouteHandler, slowExpress]) {
      const clock = createFakeClock();
      const results = await checkReceiver(make(secret, clock, 6000), {
        provider: 'mes',
        secret,
        path: '/webhooks',
        clock: clock.now,
      });
      expect(failed(results)).toEqual(['deadline']);
      expect(results.at(-1)!.message).toMatch(
        /p95 \d+ ms over \d+ answers, over the 5000 ms deadline\n {2}hint: answer first/,
      );
    }
  });

  it('runs only the checks asked for, and names an unknown one', async () => {
    const handler = withWebhook({ provider: 'mes', secret }, async () => new Response('ok'));
    const results = await checkReceiver(handler, {
      secret,
      only: ['signature.*'],
      skip: ['signature.valid'],
    });
    expect(results.map((r) => [r.id, r.status])).toEqual([
      ['signature.missing', 'pass'],
      ['signature.wrong-secret', 'pass'],
      ['signature.tampered-body', 'pass'],
      ['signature.raw-bytes', 'pass'],
      ['signature.malformed', 'pass'],
      ['signature.rotation', 'skip'],
    ]);
    await expect(checkReceiver(handler, { only: ['signature.nope'] })).rejects.toThrow(/no check is named/);
    const port = await freePort();
    await expect(checkReceiver(`http://127.0.0.1:${port}/`)).rejects.toThrow(
      `nothing is listening at http://127.0.0.1:${port}/: start the receiver before checking it`,
    );
  });
});

describe('checkReceiver with fuzz', () => {
  // Reads workOrder.status without a guard: a payload the schema allows without it crashes the handler.
  const needsStatus = withWebhook({ provider: 'mes', secret }, async ({ payload }) => {
    const workOrder = (payload as { data?: { workOrder?: Record<string, unknown> } }).data?.workOrder;
    if (workOrder && !Object.hasOwn(workOrder, 'status')) return new Response('boom', { status: 500 });
    return new Response('ok');
  });
  const correct = withWebhook({ provider: 'mes', secret }, async () => new Response('ok'));
  const fuzz = { runs: 40, seed: 7, timeLimitMs: 30_000 };

  it('adds the fuzz checks, all passing for a receiver that takes what the schema allows', async () => {
    const results = await checkReceiver(correct, {
      secret,
      events: ['work_order.created'],
      only: ['signature.valid'],
      fuzz,
    });
    expect(results.map((r) => [r.id, r.status])).toEqual([
      ['signature.valid', 'pass'],
      ['fuzz.valid', 'pass'],
      ['fuzz.deadline', 'pass'],
      ['fuzz.invalid', 'pass'],
      ['fuzz.alive', 'pass'],
    ]);
  });

  it('finds a crash on an absent optional field, shrunk to a body without it, the same for the same seed', async () => {
    const run = () =>
      checkReceiver(needsStatus, { secret, events: ['work_order.created'], only: ['signature.valid'], fuzz });
    const results = await run();
    const valid = results.find((r) => r.id === 'fuzz.valid')!;
    expect(valid.status).toBe('fail');
    const body = JSON.parse(/shrunk work_order\.created body: (.*)$/m.exec(valid.message)![1]!);
    expect(body.data.workOrder).toBeTypeOf('object');
    expect(Object.hasOwn(body.data.workOrder, 'status')).toBe(false);
    const again = (await run()).find((r) => r.id === 'fuzz.valid')!;
    expect(again.message).toBe(valid.message);
  });
});

describe('simulateRetries', () => {
  it('plays the whole MES schedule without waiting a moment of real time', async () => {
    // With timers frozen, any real wait would never end: finishing proves the schedule costs no time.
    vi.useFakeTimers();
    try {
      const down = { fetch: async () => new Response('down', { status: 503 }) };
      const attempts = await simulateRetries(down, 'work_order.created', { secret });
      expect(attempts.map((a) => a.offsetMs)).toEqual([
        0,
        5_000,
        35_000,
        335_000,
        2_135_000,
        ...[1, 2, 3, 4, 5, 6, 7].map((d) => 2_135_000 + d * 86_400_000),
      ]);
      expect(attempts.filter((a) => a.afterMarkedFailed)).toHaveLength(7);
      expect(attempts.every((a) => a.outcome === 'failure')).toBe(true);
    } finally {
      vi.useRealTimers();
    }
  });

  it('re-signs each retry at its simulated time, honours Retry-After, and stops at 410', async () => {
    const clock = createFakeClock(new Date('2026-05-01T00:00:00Z'));
    const answers = [
      new Response(null, { status: 429, headers: { 'retry-after': '120' } }),
      new Response(null, { status: 410 }),
    ];
    const received: string[] = [];
    const target = (request: Request) => {
      received.push(request.headers.get('webhook-timestamp')!);
      return answers.shift()!;
    };
    const attempts = await simulateRetries(target, 'sales_order.created', {
      provider: 'katana',
      scheme: 'standard',
      secret,
      clock,
    });
    expect(attempts.map((a) => [a.delayMs, a.status, a.outcome])).toEqual([
      [0, 429, 'failure'],
      [120_000, 410, 'gone'],
    ]);
    expect(received.map(Number)).toEqual([1777593600, 1777593720]);
  });

  it('logs its attempts as one group when asked', async () => {
    const file = path.join(tempDir(), 'log.jsonl');
    let calls = 0;
    const target = () => new Response(null, { status: ++calls < 3 ? 500 : 200 });
    await simulateRetries(target, 'work_order.created', { secret, log: file });
    const records = readFileSync(file, 'utf8')
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line));
    expect(records.map((r) => [r.kind, r.attempt, r.status, r.groupId === records[0].deliveryId])).toEqual([
      ['send', 1, 500, true],
      ['retry', 2, 500, true],
      ['retry', 3, 200, true],
    ]);
    expect(records[2].parentId).toBe(records[1].deliveryId);
  });
});
