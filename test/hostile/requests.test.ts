// Each family of hostile request against the built listener: it answers, stays up, and logs
// every delivery it answered.
import { Buffer } from 'node:buffer';
import { afterEach, describe, expect, it } from 'vitest';
import { answersIn, loggedIds, raw, startListener } from './harness.mjs';

type Running = Awaited<ReturnType<typeof startListener>>;
const running: Running[] = [];
async function listen(args: string[] = []): Promise<Running> {
  const l = await startListener(args);
  running.push(l);
  return l;
}
afterEach(async () => {
  await Promise.all(
    running.splice(0).map(async (l) => {
      await l.stop();
      l.remove();
    }),
  );
});

const post = (target: string, body: string, headers: Record<string, string> = {}) =>
  Buffer.from(
    `POST ${target} HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\nContent-Type: application/json\r\n` +
      Object.entries(headers)
        .map(([k, v]) => `${k}: ${v}\r\n`)
        .join('') +
      `Content-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`,
  );
const upgrade = (target: string, extra = '') =>
  Buffer.from(
    `GET ${target} HTTP/1.1\r\nHost: 127.0.0.1:4000\r\nConnection: Upgrade\r\nUpgrade: websocket\r\n` +
      `Sec-WebSocket-Version: 13\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n${extra}\r\n`,
  );
const status = (text: string) => answersIn(text).statuses[0];

async function stillUp(l: Running, path = '/') {
  expect(l.alive()).toBe(true);
  const get = `GET ${path} HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n`;
  expect(status(await raw(l.port, [Buffer.from(get)]))).toBe(200);
}

describe('odd request targets', () => {
  for (const args of [[], ['--path', '/hooks']]) {
    it(`answers //, //[ and absolute targets as POST and as Upgrade (${args.join(' ') || 'no --path'})`, async () => {
      const l = await listen(args);
      for (const target of ['//', '//[', 'http://a:99999/', '/%zz', '*']) {
        const answer = await raw(l.port, [post(target, '{"type":"work_order.created","data":{}}')]);
        expect(status(answer), `POST ${target}`).toBeGreaterThanOrEqual(200);
        expect(status(await raw(l.port, [upgrade(target)])), `Upgrade ${target}`).toBeGreaterThanOrEqual(400);
      }
      await stillUp(l, args[1]);
    });
  }
});

describe('request smuggling shapes and header floods', () => {
  it('answers every smuggling shape with 400 and closes the connection', async () => {
    const l = await listen();
    const shapes = [
      'POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 4\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\nG',
      'POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 3\r\nContent-Length: 4\r\n\r\nabcd',
      'POST / HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\nTransfer-Encoding: identity\r\n\r\n0\r\n\r\n',
      'POST / HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: xchunked\r\n\r\n0\r\n\r\n',
      'POST / HTTP/1.1\r\nHost: x\r\nContent-Length: -1\r\n\r\n',
      'POST / HTTP/1.1\r\nHost: x\r\nX-Fold: a\r\n b\r\nContent-Length: 0\r\n\r\n',
      'POST / HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\nabc\r\n0\r\n\r\n',
    ];
    for (const shape of shapes) {
      const answer = await raw(l.port, [Buffer.from(shape)], { quietMs: 2000 });
      expect(status(answer), shape).toBe(400);
      expect(answer.toLowerCase()).toContain('connection: close');
    }
    await stillUp(l);
  });

  it('refuses 2,000 headers and a 60 KB header', async () => {
    const l = await listen();
    const many = Array.from({ length: 2000 }, (_, i) => `X-H${i}: v\r\n`).join('');
    expect(
      status(await raw(l.port, [Buffer.from(`POST / HTTP/1.1\r\nHost: x\r\n${many}\r\n`)])),
    ).toBeGreaterThanOrEqual(400);
    const big = `X-Big: ${'a'.repeat(60_000)}\r\n`;
    expect(
      status(await raw(l.port, [Buffer.from(`POST / HTTP/1.1\r\nHost: x\r\n${big}\r\n`)])),
    ).toBeGreaterThanOrEqual(400);
    await stillUp(l);
  });

  it('answers a delivery pipelined ahead of a malformed request with the status it logged', async () => {
    const l = await listen(['--delay', '50']);
    const first = post('/', '{"type":"work_order.created","id":"evt_pipe","data":{}}')
      .toString()
      .replace('Connection: close\r\n', '');
    const answer = await raw(l.port, [Buffer.from(`${first}GARBAGE\r\n\r\n`)], { quietMs: 1000 });
    const { statuses, ids } = answersIn(answer);
    expect(statuses).toEqual([200, 400]);
    await l.stop();
    const logged = loggedIds(l.logFile);
    expect(logged.has(ids[0]!)).toBe(true);
  });
});

describe('bodies', () => {
  it('gives a null body with a signature header a verdict, and logs it', async () => {
    const l = await listen();
    for (const header of ['x-mes-signature', 'webhook-signature', 'x-sha2-signature']) {
      const answer = await raw(l.port, [post('/', 'null', { [header]: 'v1,abc' })]);
      expect(status(answer), header).toBe(200);
    }
    const { ids } = answersIn(await raw(l.port, [post('/', '[null]', { 'x-btrz-signature': 'x' })]));
    await l.stop();
    expect(loggedIds(l.logFile).has(ids[0]!)).toBe(true);
    expect(l.stdout()).not.toContain('listener error');
  });

  it('takes 100,000-deep arrays and objects without dying', async () => {
    const l = await listen(['--max-body', String(4 * 1024 * 1024)]);
    const depth = 100_000;
    for (const body of [
      '['.repeat(depth) + ']'.repeat(depth),
      '{"type":'.repeat(depth) + '{}' + '}'.repeat(depth),
    ]) {
      expect(status(await raw(l.port, [post('/', body)], { quietMs: 2000 }))).toBe(200);
    }
    await stillUp(l);
  });

  it('records a sender that hangs up during --delay as gone, not as answered', async () => {
    const l = await listen(['--delay', '300']);
    await raw(l.port, [post('/', '{"type":"work_order.created","id":"evt_gone","data":{}}')], {
      hangUp: true,
    });
    await expect.poll(() => loggedIds(l.logFile).size, { timeout: 5000 }).toBe(1);
    await l.stop();
    const { readFileSync } = await import('node:fs');
    const record = JSON.parse(readFileSync(l.logFile, 'utf8').trim());
    expect(record.status).toBeNull();
    expect(record.error.code).toBe('CLIENT_GONE');
  });
});

describe('the Host check', () => {
  it('refuses a Host with trailing junk, userinfo or a bad port for the feed and the API', async () => {
    const l = await listen(['--ui']);
    const token = l.feedToken()!;
    for (const host of [
      '[::1].evil.example',
      'user@127.0.0.1',
      '127.0.0.1:80x',
      '[::1',
      'localhost:99999',
      '127.0.0.1.evil.example',
    ]) {
      const api = `GET /__mes-webhooks/api/deliveries HTTP/1.1\r\nHost: ${host}\r\nX-Mes-Webhooks-Token: ${token}\r\nConnection: close\r\n\r\n`;
      expect(status(await raw(l.port, [Buffer.from(api)])), host).toBe(403);
      const ws = upgrade(`/__mes-webhooks/feed?token=${token}`)
        .toString()
        .replace('Host: 127.0.0.1:4000', `Host: ${host}`);
      expect(status(await raw(l.port, [Buffer.from(ws)])), host).toBe(403);
    }
    const good = `GET /__mes-webhooks/api/deliveries HTTP/1.1\r\nHost: [::1]:${l.port}\r\nX-Mes-Webhooks-Token: ${token}\r\nConnection: close\r\n\r\n`;
    expect(status(await raw(l.port, [Buffer.from(good)]))).toBe(200);
  });
});

describe('a log that cannot be written', () => {
  it('answers 503 with a reason, says so once on stderr, and exits non-zero', async () => {
    const { mkdtempSync, writeFileSync } = await import('node:fs');
    const { tmpdir } = await import('node:os');
    const path = await import('node:path');
    // MES_WEBHOOKS_HOME names a file, so the log's folder cannot be made.
    const blocker = path.join(mkdtempSync(path.join(tmpdir(), 'mes-webhooks-nolog-')), 'not-a-folder');
    writeFileSync(blocker, '');
    const l = await startListener([], { env: { MES_WEBHOOKS_HOME: blocker } });
    for (let i = 0; i < 3; i++) {
      const answer = await raw(l.port, [
        post('/', `{"type":"work_order.created","id":"evt_${i}","data":{}}`),
      ]);
      expect(status(answer)).toBe(503);
      expect(answer).toContain('the delivery log cannot be written');
    }
    const { code } = await l.stop();
    expect(code).toBe(1);
    expect(l.stderr().match(/could not write the delivery log/g)).toHaveLength(1);
  });
});
