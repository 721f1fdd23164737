// The hardening pieces on their own: glob, Host parser, terminal escapes, bounded history,
// long waits, request targets, inspection of odd bodies, and the library handler's promises.
import { chmodSync, mkdtempSync, statSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { connect, type AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { request } from 'undici';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { globMatcher, capEventName, MAX_EVENT_NAME } from '../../src/core/glob.js';
import { isLocalHost } from '../../src/core/guards.js';
import { parseHost } from '../../src/core/host.js';
import { jsonDepth } from '../../src/core/limits.js';
import { sign } from '../../src/core/schemes/index.js';
import { webhookHandler } from '../../src/handler.js';
import { DeliveryLog } from '../../src/io/log.js';
import { longSleep, MAX_TIMER_MS } from '../../src/io/wait.js';
import { History, PREVIEW_CHARS } from '../../src/server/history.js';
import { inspectDelivery } from '../../src/core/inspect.js';
import { targetParam, targetPath } from '../../src/server/target.js';
import { safeBlock, safeJsonLine, safeText } from '../../src/ui/sanitize.js';
import type { DeliveryRecord } from '../../src/core/delivery.js';

describe('globMatcher', () => {
  it('matches like the glob it is', () => {
    const cases: [string, string, boolean][] = [
      ['work_order.*', 'work_order.created', true],
      ['work_order.*', 'work_orderXcreated', false],
      ['*.created', 'sales_order.created', true],
      ['*order*created', 'sales_order.created', true],
      ['*order*created', 'order', false],
      ['a*a', 'a', false],
      ['a*b*c', 'abc', true],
      ['a*b*c', 'acb', false],
      ['*', '', true],
      ['exact', 'exact', true],
      ['x.y', 'xzy', false],
    ];
    for (const [glob, text, want] of cases) expect(globMatcher(glob)(text), `${glob} ~ ${text}`).toBe(want);
  });

  it('answers for a 400,000-character name with many stars', () => {
    expect(globMatcher('*order*order*order*created')('order'.repeat(80_000))).toBe(false);
  });

  it('caps event names at intake', () => {
    expect(capEventName('x'.repeat(10_000))!.length).toBe(MAX_EVENT_NAME);
    expect(capEventName('short')).toBe('short');
  });
});

describe('parseHost and the Host check', () => {
  it('takes names, IPv4 and bracketed IPv6 with an optional port, nothing else', () => {
    expect(parseHost('127.0.0.1:4000')).toEqual({ hostname: '127.0.0.1', port: 4000 });
    expect(parseHost('[::1]:4000')).toEqual({ hostname: '[::1]', port: 4000 });
    expect(parseHost('LocalHost')).toEqual({ hostname: 'localhost', port: undefined });
    for (const bad of [
      '[::1].evil.example',
      'user@127.0.0.1',
      '127.0.0.1:',
      '127.0.0.1:80x',
      'a:99999',
      '[::1',
      '',
      'a b',
      '127.0.0.1/x',
    ])
      expect(parseHost(bad), bad).toBeUndefined();
  });

  it('refuses Hosts that only start like a local one', () => {
    expect(isLocalHost('[::1].evil.example')).toBe(false);
    expect(isLocalHost('127.0.0.1.evil.example')).toBe(false);
    expect(isLocalHost('localhost.')).toBe(true);
    expect(isLocalHost('[::1]:4000')).toBe(true);
  });
});

describe('terminal safety', () => {
  it('shows control characters as escapes and caps the length', () => {
    expect(safeText('a\u001b]52;c;x\u0007b')).toBe('a\\x1b]52;c;x\\x07b');
    expect(safeText('\u009b31m\u202e')).toBe('\\x9b31m\\u202e');
    expect(safeText('x'.repeat(1000), 50)).toHaveLength(50);
    expect(safeBlock('line1\nline2\u001b[2J')).toBe('line1\nline2\\x1b[2J');
    expect(safeJsonLine({ e: '\u009b\u001b' })).toBe('{"e":"\\u009b\\u001b"}');
    expect(JSON.parse(safeJsonLine({ e: '\u009b\u2028' }))).toEqual({ e: '\u009b\u2028' });
  });
});

const record = (id: string, body: string): DeliveryRecord => ({
  v: 1,
  deliveryId: id,
  direction: 'received',
  kind: 'receive',
  at: '2026-01-01T00:00:00.000Z',
  provider: null,
  event: null,
  eventId: null,
  scheme: null,
  attempt: 1,
  groupId: id,
  request: { method: 'POST', url: '/', headers: {}, body, bodyEncoding: 'utf8' },
  status: 200,
  ok: true,
  durationMs: 1,
});

describe('History', () => {
  it('keeps large bodies as a preview with their size, and stays under its byte cap', () => {
    const history = new History(500, 1024 * 1024);
    for (let i = 0; i < 200; i++) history.add(record(`d${i}`, 'x'.repeat(200_000)));
    expect(history.totalChars).toBeLessThanOrEqual(1024 * 1024);
    const newest = history.get('d199')!;
    expect(newest.request.body).toHaveLength(PREVIEW_CHARS);
    expect(newest.request).toMatchObject({ truncated: true, bytes: 200_000 });
    expect(history.get('d0')).toBeUndefined();
    expect([...history.texts()].every((t) => JSON.parse(t).deliveryId)).toBe(true);
  });

  it('keeps at most its count', () => {
    const history = new History(3);
    for (let i = 0; i < 10; i++) history.add(record(`d${i}`, '{}'));
    expect(history.values().map((r) => r.deliveryId)).toEqual(['d7', 'd8', 'd9']);
  });
});

describe('long waits', () => {
  afterEach(() => void vi.useRealTimers());
  it('does not fire early when the wait is past the timer limit', async () => {
    vi.useFakeTimers();
    let done = false;
    const wait = longSleep(MAX_TIMER_MS * 2 + 5).then(() => (done = true));
    await vi.advanceTimersByTimeAsync(MAX_TIMER_MS);
    expect(done).toBe(false);
    await vi.advanceTimersByTimeAsync(MAX_TIMER_MS);
    expect(done).toBe(false);
    await vi.advanceTimersByTimeAsync(5);
    await wait;
    expect(done).toBe(true);
  });
});

describe('request targets and odd bodies', () => {
  it('reads paths that new URL() throws on', () => {
    expect(targetPath('//')).toBe('//');
    expect(targetPath('//[')).toBe('//[');
    expect(targetPath('http://a:99999/x?y')).toBe('/x');
    expect(targetPath('/hooks?token=1#x')).toBe('/hooks');
    expect(targetParam('/feed?token=abc', 'token')).toBe('abc');
    expect(targetParam('//[?token=%zz', 'token')).toBe('%zz');
  });

  it('gives null, arrays and scalars with a signature header a verdict', () => {
    for (const body of ['null', '[]', '7', '"x"']) {
      const seen = inspectDelivery(
        { 'content-type': 'application/json', 'x-mes-signature': 'sha256=00' },
        Buffer.from(body),
        'secret',
        1_700_000_000,
      );
      expect(seen.problem, body).toBeUndefined();
      expect(seen.signature.verdict, body).toBe('invalid');
      expect(seen.event).toBeNull();
    }
  });

  it('counts JSON depth without recursion', () => {
    const deep = JSON.parse('['.repeat(50_000) + ']'.repeat(50_000));
    expect(jsonDepth(deep)).toBeGreaterThan(256);
    expect(jsonDepth({ a: [1, { b: 2 }] })).toBe(3);
  });
});

describe('the log file mode', () => {
  it('is tightened to 0600 when the log is opened, before any write', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'mes-webhooks-mode-'));
    const file = path.join(dir, 'deliveries.jsonl');
    writeFileSync(file, '');
    chmodSync(file, 0o644);
    const log = new DeliveryLog(file);
    await log.open();
    expect(statSync(file).mode & 0o777).toBe(0o600);
    await log.close();
  });
});

describe('webhookHandler never rejects into the app', () => {
  let server: Server | undefined;
  afterEach(() => server?.close());

  async function serve(handler: Parameters<typeof webhookHandler>[1], errors: unknown[]) {
    const rejections: unknown[] = [];
    const onRejection = (reason: unknown) => rejections.push(reason);
    process.on('unhandledRejection', onRejection);
    server = createServer((req, res) => {
      // What http.createServer does with the promise: nothing. A rejection here would be unhandled.
      void webhookHandler({ provider: 'mes', secret: 's3cret', onError: (e) => errors.push(e) }, handler)(
        req,
        res,
      );
    });
    await new Promise<void>((resolve) => server!.listen(0, '127.0.0.1', resolve));
    return {
      port: (server.address() as AddressInfo).port,
      rejections,
      done: () => process.off('unhandledRejection', onRejection),
    };
  }

  it('survives a client that leaves mid-body, a signed null body and a handler that throws', async () => {
    const errors: unknown[] = [];
    const seen: unknown[] = [];
    const { port, rejections, done } = await serve((webhook, _req, res) => {
      seen.push(webhook.event);
      if (webhook.payload === null) return void res.end('ok');
      throw new Error('the app broke');
    }, errors);
    try {
      await new Promise<void>((resolve) => {
        const socket = connect(port, '127.0.0.1', () => {
          socket.write('POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 100\r\n\r\n{"half');
          setImmediate(() => socket.destroy());
        });
        socket.on('close', () => resolve());
      });
      const body = 'null';
      const headers = sign('mes', {
        secret: 's3cret',
        body: Buffer.from(body),
        timestamp: Math.floor(Date.now() / 1000),
        messageId: 'm',
      });
      const nullAnswer = await request(`http://127.0.0.1:${port}/`, { method: 'POST', headers, body });
      // A signed `null` holds no envelope: refused like any body that is not a JSON object.
      expect(nullAnswer.statusCode).toBe(400);
      expect(await nullAnswer.body.text()).toMatch(/not a JSON object/);
      const envelope = JSON.stringify({ type: 'work_order.created', id: 'evt_1', data: {} });
      const signed = sign('mes', {
        secret: 's3cret',
        body: Buffer.from(envelope),
        timestamp: Math.floor(Date.now() / 1000),
        messageId: 'm',
      });
      const thrown = await request(`http://127.0.0.1:${port}/`, {
        method: 'POST',
        headers: signed,
        body: envelope,
      });
      expect(thrown.statusCode).toBe(500);
      await thrown.body.text();
      expect(seen).toEqual(['work_order.created']);
      expect(errors).toHaveLength(1);
      expect(rejections).toEqual([]);
    } finally {
      done();
    }
  });
});
