import { connect } from 'node:net';
import { Readable } from 'node:stream';
import fc from 'fast-check';
import { request } from 'undici';
import { afterEach, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { buildEvent, deliveryHeaders } from '../src/core/build.js';
import { createCatalog } from '../src/core/catalog.js';
import type { DeliveryRecord } from '../src/core/delivery.js';
import { createFlakyPolicy, seededRandom } from '../src/core/flaky.js';
import { isLocalHost, isLocalOrigin } from '../src/core/guards.js';
import { loadFixtures } from '../src/io/fixtures.js';
import { systemRuntime } from '../src/io/runtime.js';
import { createListener, type Listener, type ListenerOptions } from '../src/server/listener.js';
import { freePort, startReceiver, type Receiver } from './helpers/receiver.js';
import { vendorVerifiers } from './helpers/vendor-verifiers.js';

const SECRET = 'whsec_bWVzLXdlYmhvb2tzLWRldi1zZWNyZXQh';
const TOKEN = 'tok_test_123';
const catalog = createCatalog(await loadFixtures());
const cleanup: (() => Promise<unknown>)[] = [];
afterEach(async () => {
  await Promise.all(cleanup.splice(0).map((fn) => fn()));
});

async function start(options: Partial<ListenerOptions> = {}) {
  const listener: Listener = createListener({
    host: '127.0.0.1',
    port: 0,
    secret: SECRET,
    strict: false,
    maxBodyBytes: 1024 * 1024,
    runtime: systemRuntime,
    token: TOKEN,
    ...options,
  });
  const records: DeliveryRecord[] = [];
  const deliveries: DeliveryRecord[] = [];
  listener.on('record', (r) => records.push(r));
  listener.on('delivery', (r) => deliveries.push(r));
  const url = await listener.start();
  cleanup.push(() => listener.close());
  return { listener, url, records, deliveries };
}

async function app(...args: Parameters<typeof startReceiver>): Promise<Receiver> {
  const r = await startReceiver(...args);
  cleanup.push(() => r.close());
  return r;
}

function signed(event: string) {
  const def = catalog.find(event);
  const now = new Date();
  const built = buildEvent(def, { fresh: { now, uuid: systemRuntime.uuid } });
  const headers = deliveryHeaders(built.body, {
    scheme: def.provider as 'mes',
    secret: SECRET,
    now,
    messageId: built.eventId ?? 'm',
    userAgent: 't',
  });
  return { headers, body: built.body, eventId: built.eventId };
}

async function post(url: string, headers: Record<string, string>, body: string | Buffer) {
  const res = await request(url, { method: 'POST', headers, body });
  return { status: res.statusCode, text: await res.body.text() };
}

describe('--forward-to', () => {
  it("passes exact bytes and headers to the app, answers with the app's answer and logs both legs, linked", async () => {
    const target = await app((req) => ({
      status: vendorVerifiers.tracktile!(req.headers, req.body, SECRET) ? 202 : 401,
      body: '{"queued":true}',
    }));
    const { url, records, deliveries } = await start({ forwardTo: target.url });
    const { headers, body } = signed('inventory.moved');
    const res = await post(`${url}?source=test`, { ...headers, 'x-custom': 'kept' }, body);
    expect(res).toEqual({ status: 202, text: '{"queued":true}' });
    const [req] = target.received;
    expect(req!.body.toString()).toBe(body);
    expect(req!.headers['x-custom']).toBe('kept');
    expect(req!.headers['x-tracktile-signature']).toBe(headers['x-tracktile-signature']);
    expect(req!.url).toBe('/webhooks?source=test');
    const [leg, received] = records;
    expect(leg).toMatchObject({
      direction: 'sent',
      parentId: received!.deliveryId,
      groupId: received!.groupId,
      status: 202,
    });
    expect(received).toMatchObject({
      direction: 'received',
      status: 202,
      forward: { deliveryId: leg!.deliveryId, status: 202 },
    });
    expect(deliveries).toHaveLength(1);
  });

  it('answers 502 when the app is down, and says so', async () => {
    const port = await freePort();
    const { url, deliveries, records } = await start({ forwardTo: `http://127.0.0.1:${port}/hook` });
    const { headers, body } = signed('work_order.created');
    const res = await post(url, headers, body);
    expect(res.status).toBe(502);
    expect(res.text).toMatch(/nothing is listening at http:\/\/127\.0\.0\.1:\d+\/hook/);
    expect(deliveries[0]!.forward).toMatchObject({
      status: null,
      error: { code: 'ECONNREFUSED', message: expect.stringMatching(/nothing is listening/) },
    });
    expect(records).toHaveLength(2);
  });
});

describe('flaky-receiver knobs', () => {
  it('--fail-first N fails the first N deliveries of each event id with 503', async () => {
    const { url, deliveries } = await start({ flaky: { failFirst: 2 } });
    const a = signed('work_order.created');
    const b = signed('work_order.started');
    const statuses = [];
    for (const d of [a, a, b, a, b, b]) statuses.push((await post(url, d.headers, d.body)).status);
    expect(statuses).toEqual([503, 503, 503, 200, 503, 200]);
    expect(deliveries.map((d) => d.simulated)).toEqual([
      'fail-first 1/2',
      'fail-first 2/2',
      'fail-first 1/2',
      undefined,
      'fail-first 2/2',
      undefined,
    ]);
  });

  it('--fail-rate with a seed fails the same deliveries every run', () => {
    const run = () => {
      const decide = createFlakyPolicy({ failRate: 0.3 }, seededRandom(42));
      return Array.from({ length: 200 }, (_, i) => decide(`e${i}`).status ?? 200);
    };
    const first = run();
    expect(run()).toEqual(first);
    const failures = first.filter((s) => s === 503).length;
    expect(failures).toBeGreaterThan(30);
    expect(failures).toBeLessThan(90);
  });

  it('--status and --delay change the answer', async () => {
    const { url, deliveries } = await start({ flaky: { status: 429 }, delayMs: 150 });
    const { headers, body } = signed('work_order.created');
    const started = Date.now();
    expect((await post(url, headers, body)).status).toBe(429);
    expect(Date.now() - started).toBeGreaterThanOrEqual(140);
    expect(deliveries[0]!.simulated).toBe('status 429');
  });
});

describe('hardening', () => {
  it('never crashes on fuzzed bodies and headers, and logs every accepted delivery', async () => {
    const { url, deliveries } = await start();
    let answered = 0;
    await fc.assert(
      fc.asyncProperty(
        fc.uint8Array({ maxLength: 2000 }),
        fc.dictionary(
          fc.stringMatching(/^x-[a-z]{1,10}$/),
          fc.string({ maxLength: 50 }).map((s) => s.replace(/[^\x20-\x7e]/g, '')),
          { maxKeys: 5 },
        ),
        fc.constantFrom('application/json', 'text/plain', 'application/vnd.api+json'),
        fc.constantFrom(
          'x-mes-signature',
          'x-sha2-signature',
          'x-tracktile-signature',
          'x-btrz-signature',
          'webhook-signature',
          'x-none',
        ),
        fc.string({ maxLength: 80 }).map((s) => s.replace(/[^\x20-\x7e]/g, '')),
        async (body, extra, contentType, sigHeader, sigValue) => {
          const res = await post(
            url,
            { ...extra, 'content-type': contentType, [sigHeader]: sigValue },
            Buffer.from(body),
          );
          expect([200, 400]).toContain(res.status);
          answered++;
        },
      ),
      { numRuns: 150 },
    );
    expect(deliveries).toHaveLength(answered);
    const { headers, body } = signed('work_order.created');
    expect((await post(url, headers, body)).status).toBe(200);
  });

  it('cuts off a client that dribbles its headers', async () => {
    const { listener, url } = await start({ headersTimeoutMs: 300, requestTimeoutMs: 600 });
    const { port } = new URL(url);
    const socket = connect(Number(port), '127.0.0.1');
    socket.write('POST / HTTP/1.1\r\nHost: 127.0.0.1\r\n');
    const timer = setInterval(() => socket.writable && socket.write('X-Slow: 1\r\n'), 100);
    const closedAfter = await new Promise<number>((resolve) => {
      const t0 = Date.now();
      socket.on('close', () => resolve(Date.now() - t0));
      socket.on('error', () => {});
    });
    clearInterval(timer);
    expect(closedAfter).toBeLessThan(5_000);
    const { headers, body } = signed('work_order.created');
    expect((await post(listener.url, headers, body)).status).toBe(200);
  });

  it('answers 431 to headers over the limit, as node:http does, and 400 to a head it cannot parse', async () => {
    const { url, deliveries } = await start();
    const { port } = new URL(url);
    const answerTo = (head: string) =>
      new Promise<string>((resolve) => {
        const socket = connect(Number(port), '127.0.0.1', () => socket.end(head));
        let text = '';
        socket.on('data', (chunk: Buffer) => (text += chunk.toString('latin1')));
        socket.on('close', () => resolve(text.split('\r\n')[0]!));
        socket.on('error', () => {});
      });
    const long = `POST / HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Long: ${'a'.repeat(20_000)}\r\nContent-Length: 0\r\n\r\n`;
    expect(await answerTo(long)).toBe('HTTP/1.1 431 Request Header Fields Too Large');
    expect(await answerTo('POST / HTTP/1.1\r\nHost 127.0.0.1\r\n\r\n')).toBe('HTTP/1.1 400 Bad Request');
    expect(deliveries).toHaveLength(0);
  });

  it('takes 200 concurrent connections and logs every one', async () => {
    const { url, deliveries } = await start();
    const results = await Promise.all(
      Array.from({ length: 200 }, async () => {
        const { headers, body } = signed('quality.inspection_complete');
        const socketUrl = new URL(url);
        return new Promise<number>((resolve, reject) => {
          const s = connect(Number(socketUrl.port), '127.0.0.1', () => {
            s.end(
              `POST / HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n${Object.entries(headers)
                .map(([k, v]) => `${k}: ${v}\r\n`)
                .join('')}Content-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`,
            );
          });
          let text = '';
          s.on('data', (d) => (text += d));
          s.on('end', () => resolve(Number(text.split(' ')[1])));
          s.on('error', reject);
        });
      }),
    );
    expect(results.filter((s) => s === 200)).toHaveLength(200);
    expect(deliveries).toHaveLength(200);
    expect(deliveries.every((d) => d.signature?.verdict === 'valid')).toBe(true);
  });

  it('answers 413 to oversized bodies, declared or streamed, and keeps going', async () => {
    const { url, deliveries } = await start({ maxBodyBytes: 64 * 1024 });
    const big = Buffer.alloc(512 * 1024, 'a');
    const declared = await post(url, { 'content-type': 'application/json' }, big).catch(() => ({
      status: 413,
    }));
    expect(declared.status).toBe(413);
    const streamed = await request(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: Readable.from(
        (function* () {
          for (let i = 0; i < 16; i++) yield Buffer.alloc(16 * 1024, 'b');
        })(),
      ),
    }).then(
      (r) => r.statusCode,
      () => 413,
    );
    expect(streamed).toBe(413);
    const { headers, body } = signed('work_order.created');
    expect((await post(url, headers, body)).status).toBe(200);
    expect(deliveries).toHaveLength(1);
  });
});

describe('the WebSocket feed', () => {
  type Message = { type: string; deliveries?: unknown[]; delivery?: DeliveryRecord };
  const open = (url: string, headers: Record<string, string> = {}) =>
    new Promise<{ ws?: WebSocket; status?: number; messages: Message[] }>((resolve) => {
      const ws = new WebSocket(url, { headers });
      const messages: Message[] = [];
      ws.on('message', (m) => messages.push(JSON.parse(m.toString())));
      ws.on('open', () => resolve({ ws, messages }));
      ws.on('unexpected-response', (_req, res) => resolve({ status: res.statusCode, messages }));
      ws.on('error', () => resolve({ status: -1, messages }));
    });

  it('sends history, then each delivery as it is handled', async () => {
    const { listener, url } = await start();
    const first = signed('work_order.created');
    await post(url, first.headers, first.body);
    const { ws, messages } = await open(listener.feedUrl());
    cleanup.push(async () => ws!.terminate());
    const next = signed('operation.started');
    await post(url, next.headers, next.body);
    while (messages.length < 2) await new Promise((r) => setTimeout(r, 10));
    expect(messages[0]!.type).toBe('hello');
    expect(messages[0]!.deliveries).toHaveLength(1);
    expect(messages[1]).toMatchObject({
      type: 'delivery',
      delivery: { event: 'operation.started', signature: { verdict: 'valid' } },
    });
  });

  it('refuses a hostile Origin, a foreign Host and a missing or wrong token with 403', async () => {
    const { listener } = await start();
    const feed = listener.feedUrl();
    expect((await open(feed, { Origin: 'http://evil.example' })).status).toBe(403);
    expect((await open(feed, { Host: 'evil.example' })).status).toBe(403);
    expect((await open(feed.replace(/token=.*/, ''))).status).toBe(403);
    expect((await open(feed.replace(/token=.*/, 'token=guess'))).status).toBe(403);
    const ok = await open(feed, { Origin: 'http://localhost:5173' });
    expect(ok.ws).toBeDefined();
    ok.ws!.terminate();
  });

  it('refuses the inspector page to a foreign Host and without the token', async () => {
    const { listener } = await start({ ui: true });
    const page = listener.inspectorUrl();
    expect((await request(page, { headers: { host: 'evil.example' } })).statusCode).toBe(403);
    expect((await request(page.replace(/token=.*/, 'token=nope'))).statusCode).toBe(403);
    const res = await request(page);
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-security-policy']).toMatch(/default-src 'none'/);
    expect(await res.body.text()).toMatch(/mes-webhooks inspector/);
    const api = listener.inspectorUrl().replace(/\/ui\?.*/, '/api/deliveries');
    expect(
      (await request(api, { headers: { 'x-mes-webhooks-token': TOKEN, origin: 'http://evil.example' } }))
        .statusCode,
    ).toBe(403);
    expect((await request(api, { headers: { 'x-mes-webhooks-token': TOKEN } })).statusCode).toBe(200);
  });

  it('drops a client that falls too far behind', async () => {
    const listener = createListener({
      host: '127.0.0.1',
      port: 0,
      secret: SECRET,
      strict: false,
      maxBodyBytes: 1 << 20,
      runtime: systemRuntime,
      token: TOKEN,
    });
    await listener.start();
    cleanup.push(() => listener.close());
    const { ws } = await open(listener.feedUrl());
    const closed = new Promise<void>((resolve) => ws!.on('close', () => resolve()));
    // A client that never reads: pause its socket so the server's buffer grows.
    (ws as unknown as { _socket: { pause(): void } })._socket.pause();
    const big = { type: 'delivery', delivery: { pad: 'x'.repeat(256 * 1024) } };
    for (let i = 0; i < 200 && listener.feed.clients > 0; i++) {
      listener.feed.broadcast(big);
      await new Promise((r) => setTimeout(r, 5));
    }
    expect(listener.feed.clients).toBe(0);
    (ws as unknown as { _socket: { resume(): void } })._socket.resume();
    await closed;
  });

  it('knows what counts as local', () => {
    expect(isLocalHost('127.0.0.1:4000')).toBe(true);
    expect(isLocalHost('localhost')).toBe(true);
    expect(isLocalHost('[::1]:4000')).toBe(true);
    expect(isLocalHost('evil.example')).toBe(false);
    expect(isLocalHost('127.0.0.1.evil.example')).toBe(false);
    expect(isLocalHost(undefined)).toBe(false);
    expect(isLocalOrigin('http://localhost:3000')).toBe(true);
    expect(isLocalOrigin('null')).toBe(false);
    expect(isLocalOrigin('https://evil.example')).toBe(false);
  });
});
