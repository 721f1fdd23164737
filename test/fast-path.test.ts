import { createServer } from 'node:http';
import { connect, type AddressInfo, type Socket } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import type { DeliveryRecord } from '../src/core/delivery.js';
import { systemRuntime } from '../src/io/runtime.js';
import { createListener, type ListenerOptions } from '../src/server/listener.js';

// The listener's fast path and its hand-off to node:http, over real loopback sockets.
const cleanup: (() => Promise<unknown>)[] = [];
afterEach(async () => {
  await Promise.all(cleanup.splice(0).map((fn) => fn()));
});

async function start(options: Partial<ListenerOptions> = {}) {
  const listener = createListener({
    host: '127.0.0.1',
    port: 0,
    secret: 'whsec_test',
    strict: false,
    maxBodyBytes: 4096,
    runtime: systemRuntime,
    token: 'tok_test',
    ...options,
  });
  const deliveries: DeliveryRecord[] = [];
  listener.on('delivery', (r) => deliveries.push(r));
  const url = await listener.start();
  cleanup.push(() => listener.close());
  return { listener, port: Number(new URL(url).port), deliveries };
}

interface Answer {
  status: number;
  headers: Record<string, string>;
  body: string;
}

/** The answers in what a connection received; 1xx answers have no body. */
function answersIn(bytes: Buffer): Answer[] {
  const answers: Answer[] = [];
  let at = 0;
  for (;;) {
    const end = bytes.indexOf('\r\n\r\n', at);
    if (end < 0) return answers;
    const [line, ...fields] = bytes.toString('latin1', at, end).split('\r\n');
    const headers: Record<string, string> = {};
    for (const field of fields) {
      const colon = field.indexOf(':');
      headers[field.slice(0, colon).toLowerCase()] = field.slice(colon + 1).trim();
    }
    const status = Number(line!.split(' ')[1]);
    // As a client reads them: 1xx, 204 and 304 end at their head, whatever a header says.
    const length =
      status < 200 || status === 204 || status === 304 ? 0 : Number(headers['content-length'] ?? 0);
    answers.push({ status, headers, body: bytes.toString('utf8', end + 4, end + 4 + length) });
    at = end + 4 + length;
  }
}

interface Exchange {
  answers: Answer[];
  /** The listener closed the connection. */
  closed: boolean;
}

/**
 * Writes each chunk (one write each, each after the last has gone out, or a pause for a number), then waits until the
 * connection closes or `count` answers have come; `onAnswer` may write more.
 */
function exchange(
  port: number,
  chunks: (string | Buffer | number)[],
  count: number,
  onAnswer?: (answers: Answer[], socket: Socket) => void,
): Promise<Exchange> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, '127.0.0.1');
    const received: Buffer[] = [];
    let closedByPeer = false;
    const finish = () => {
      socket.destroy();
      resolve({ answers: answersIn(Buffer.concat(received)), closed: closedByPeer });
    };
    socket.on('connect', async () => {
      for (const chunk of chunks) {
        if (socket.destroyed) return;
        // A number: a pause of that many ms, so the listener reads what came before on its own.
        if (typeof chunk === 'number') await new Promise((paused) => setTimeout(paused, chunk));
        else await new Promise((written) => socket.write(chunk, written));
      }
    });
    socket.on('data', (d) => {
      received.push(d);
      const answers = answersIn(Buffer.concat(received));
      onAnswer?.(answers, socket);
      if (answers.filter((a) => a.status >= 200).length >= count) finish();
    });
    socket.on('end', () => {
      closedByPeer = true;
      finish();
    });
    socket.on('error', reject);
  });
}

const BODY = '{"type":"work_order.created","id":"evt_fast","data":{"note":"caf\u00e9"}}';
const post = (body = BODY, extra = '', target = '/') =>
  `POST ${target} HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n${extra}` +
  `Content-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`;

describe('the fast path', () => {
  it('answers a whole delivery on a keep-alive connection, and logs its exact bytes and headers', async () => {
    const { port, deliveries } = await start();
    const { answers, closed } = await exchange(port, [post(BODY, 'X-Dup-Ish: a, b\r\n')], 1);
    expect(closed).toBe(false);
    expect(answers[0]).toMatchObject({
      status: 200,
      headers: { 'content-type': 'application/json', connection: 'keep-alive' },
    });
    expect(JSON.parse(answers[0]!.body)).toEqual({ ok: true, deliveryId: deliveries[0]!.deliveryId });
    expect(deliveries[0]!.request.body).toBe(BODY);
    expect(deliveries[0]!.request.headers).toEqual({
      host: '127.0.0.1',
      'content-type': 'application/json',
      'x-dup-ish': 'a, b',
      'content-length': String(Buffer.byteLength(BODY)),
    });
  });

  it('writes an answer with characters beyond ASCII as UTF-8, as long as its Content-Length says', async () => {
    const { port } = await start({ strictSchema: true });
    // A MES event whose id breaks its schema: the 422 names the value, "é" and all.
    const body = JSON.stringify({
      id: 1,
      type: 'work_order.created',
      timestamp: 'caf\u00e9',
      data: { workOrder: { id: 'wo-1' } },
    });
    const { answers } = await exchange(port, [post(body), post()], 2);
    // The second (the file's sample body) breaks the schema too, without a character beyond ASCII.
    expect(answers.map((a) => a.status)).toEqual([422, 422]);
    const refused = answers[0]!;
    expect(refused.body).toContain('caf\u00e9');
    expect(Buffer.byteLength(refused.body)).toBe(Number(refused.headers['content-length']));
    expect(JSON.parse(refused.body)).toMatchObject({ ok: false });
    // The next answer on the connection starts where the length said the last one ended.
    expect(JSON.parse(answers[1]!.body)).toMatchObject({ ok: false });
  });

  it('takes a request sent one byte at a time', async () => {
    const { port, deliveries } = await start();
    const bytes = Buffer.from(post());
    const chunks = Array.from(bytes, (b) => Buffer.from([b]));
    const { answers } = await exchange(port, chunks, 1);
    expect(answers.map((a) => a.status)).toEqual([200]);
    expect(deliveries[0]!.request.body).toBe(BODY);
  });

  it('answers pipelined requests in order, a GET among them handed to node:http after the answers before it', async () => {
    const { port, deliveries } = await start({ delayMs: 20 });
    const bodies = ['{"n":1}', '{"n":2}', '{"n":3}', '{"n":4}'];
    const text = `${post(bodies[0])}${post(bodies[1])}GET / HTTP/1.1\r\nHost: a\r\n\r\n${post(bodies[2])}${post(bodies[3])}`;
    const { answers } = await exchange(port, [text], 5);
    expect(answers.map((a) => a.status)).toEqual([200, 200, 200, 200, 200]);
    expect(JSON.parse(answers[2]!.body)).toMatchObject({ listening: true });
    expect(deliveries.map((d) => d.request.body)).toEqual(bodies);
    const ids = [0, 1, 3, 4].map((i) => JSON.parse(answers[i]!.body).deliveryId);
    expect(ids).toEqual(deliveries.map((d) => d.deliveryId));
  });

  it('answers pipelined requests node:http reads (chunked), each in order, none taken as hung up', async () => {
    const { port, deliveries } = await start();
    const chunked = (body: string) =>
      `POST /${body.length} HTTP/1.1\r\nHost: a\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n` +
      `${body.length.toString(16)}\r\n${body}\r\n0\r\n\r\n`;
    const bodies = Array.from(
      { length: 40 },
      (_, i) => `{"type":"work_order.created","n":${'1'.repeat(i + 1)}}`,
    );
    const { answers, closed } = await exchange(port, [bodies.map(chunked).join('')], 40);
    expect(closed).toBe(false);
    expect(answers.map((a) => a.status)).toEqual(bodies.map(() => 200));
    expect(deliveries.map((d) => d.request.body)).toEqual(bodies);
    expect(deliveries.every((d) => d.status === 200 && d.error === undefined)).toBe(true);
  });

  it('answers the requests behind one that arrived in pieces, once it is handed to node:http', async () => {
    const { port, deliveries } = await start({ delayMs: 20 });
    const bodies = Array.from({ length: 30 }, (_, i) => `{"n":${i}}`);
    const first = post(bodies[0]);
    const rest = bodies
      .slice(1)
      .map((b) => post(b))
      .join('');
    const { answers } = await exchange(port, [first.slice(0, 10), 30, first.slice(10) + rest], 30);
    expect(answers.map((a) => a.status)).toEqual(bodies.map(() => 200));
    expect(deliveries.map((d) => [d.request.body, d.status])).toEqual(bodies.map((b) => [b, 200]));
  });

  it.each([204, 304])(
    'answers %i with no body and no length, so the next answer on the connection reads right',
    async (status) => {
      const { port, deliveries } = await start({ flaky: { status } });
      const { answers, closed } = await exchange(port, [post('{"n":1}') + post('{"n":2}')], 2);
      expect(closed).toBe(false);
      expect(answers.map((a) => [a.status, a.body, a.headers['content-length']])).toEqual([
        [status, '', undefined],
        [status, '', undefined],
      ]);
      expect(deliveries.map((d) => [d.status, d.response?.body])).toEqual([
        [status, ''],
        [status, ''],
      ]);
    },
  );

  it.each(['abc', '?x', 'http:/x', 'x:y'])(
    'leaves the target %s, not in origin form, to node:http',
    async (target) => {
      const { port, deliveries } = await start();
      const { answers } = await exchange(port, [post(BODY, '', target)], 1);
      expect(answers.map((a) => a.status)).toEqual([400]);
      expect(deliveries).toHaveLength(0);
    },
  );

  it('answers 300 requests pipelined in one write, in order, taking no more than a few at a time', async () => {
    const { port, deliveries } = await start();
    const bodies = Array.from({ length: 300 }, (_, i) => `{"type":"work_order.created","n":${i}}`);
    const { answers } = await exchange(port, [bodies.map((b) => post(b)).join('')], 300);
    expect(answers.map((a) => a.status)).toEqual(bodies.map(() => 200));
    expect(deliveries.map((d) => d.request.body)).toEqual(bodies);
    expect(answers.map((a) => JSON.parse(a.body).deliveryId)).toEqual(deliveries.map((d) => d.deliveryId));
  });

  it('reads a chunked body with trailers through node:http, and refuses a bad chunk size with 400 and a close', async () => {
    const { port, deliveries } = await start();
    const chunked = (body: string) =>
      `POST / HTTP/1.1\r\nHost: a\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n${body}`;
    const good = await exchange(port, [chunked('5\r\n{"n":\r\n2\r\n1}\r\n0\r\nX-Trailer: t\r\n\r\n')], 1);
    expect(good.answers.map((a) => a.status)).toEqual([200]);
    expect(deliveries[0]!.request.body).toBe('{"n":1}');
    const bad = await exchange(port, [chunked('zz\r\n{}\r\n0\r\n\r\n')], 2);
    expect(bad.answers.map((a) => a.status)).toEqual([400]);
    expect(bad.answers[0]!.headers.connection).toBe('close');
    expect(deliveries).toHaveLength(1);
  });

  it.each([
    ['Content-Length and Transfer-Encoding', post('{}', 'Transfer-Encoding: chunked\r\n')],
    ['two different Content-Lengths', post('{}', 'Content-Length: 7\r\n')],
    ['two equal Content-Lengths', post('{}', 'Content-Length: 2\r\n')],
    ['a Content-Length with a sign', post('{}').replace('Content-Length: 2', 'Content-Length: +2')],
  ])('refuses a request with %s: 400, closed, nothing taken', async (_, text) => {
    const { port, deliveries } = await start();
    const { answers, closed } = await exchange(port, [`${text}${post()}`], 2);
    expect(answers.map((a) => a.status)).toEqual([400]);
    expect(closed).toBe(true);
    expect(deliveries).toHaveLength(0);
  });

  it('refuses a body over the limit with 413 and a head over node:http’s limit with 431', async () => {
    const { port, deliveries } = await start({ maxBodyBytes: 64 });
    const big = await exchange(port, [post(`"${'a'.repeat(100)}"`)], 1);
    expect(big.answers.map((a) => a.status)).toEqual([413]);
    const head = await exchange(port, [post('{}', `X-Big: ${'a'.repeat(20_000)}\r\n`)], 2);
    expect(head.answers.map((a) => a.status)).toEqual([431]);
    expect(head.closed).toBe(true);
    expect(deliveries).toHaveLength(0);
  });

  it('answers HTTP/1.0 and closes, as node:http does', async () => {
    const { port, deliveries } = await start();
    const text = post().replace('HTTP/1.1', 'HTTP/1.0');
    const { answers, closed } = await exchange(port, [text], 2);
    expect(answers.map((a) => [a.status, a.headers.connection])).toEqual([[200, 'close']]);
    expect(closed).toBe(true);
    expect(deliveries[0]!.request.body).toBe(BODY);
  });

  it('sends 100 Continue to Expect: 100-continue, then takes the body', async () => {
    const { port, deliveries } = await start();
    const full = post(BODY, 'Expect: 100-continue\r\n');
    const at = full.indexOf('\r\n\r\n') + 4;
    let sent = false;
    const { answers } = await exchange(port, [full.slice(0, at)], 1, (got, socket) => {
      if (!sent && got[0]?.status === 100) {
        sent = true;
        socket.write(full.slice(at));
      }
    });
    expect(answers.map((a) => a.status)).toEqual([100, 200]);
    expect(deliveries[0]!.request.body).toBe(BODY);
  });

  it('closes after answering Connection: close, and reads nothing after it', async () => {
    const { port, deliveries } = await start();
    const { answers, closed } = await exchange(port, [`${post(BODY, 'Connection: close\r\n')}${post()}`], 2);
    expect(answers.map((a) => [a.status, a.headers.connection])).toEqual([[200, 'close']]);
    expect(closed).toBe(true);
    expect(deliveries).toHaveLength(1);
  });

  it('answers 408 and closes a connection that sends nothing within the headers timeout', async () => {
    const { port } = await start({ headersTimeoutMs: 200 });
    const { answers, closed } = await exchange(port, [], 2);
    expect(answers.map((a) => a.status)).toEqual([408]);
    expect(closed).toBe(true);
  });

  it('serves the feed and control routes on a connection that delivered first', async () => {
    const { port } = await start();
    const control = `GET /__mes-webhooks/api/deliveries HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Mes-Webhooks-Token: tok_test\r\n\r\n`;
    const { answers } = await exchange(port, [post(), control], 2);
    expect(answers[0]!.status).toBe(200);
    expect(answers[1]!.status).toBe(200);
    expect(answers[1]!.headers['cache-control']).toBe('no-store');
  });

  it('answers a delivery waiting out --delay at once when the listener stops, and logs it before close() ends', async () => {
    const { listener, port, deliveries } = await start({ delayMs: 60_000 });
    const answered = exchange(port, [post()], 1);
    await new Promise((later) => setTimeout(later, 50));
    await listener.close();
    expect(deliveries.map((d) => d.status)).toEqual([200]);
    expect((await answered).answers.map((a) => a.status)).toEqual([200]);
  });

  it('logs an answer its own stop cut off as LISTENER_STOPPED, not as the sender hanging up, before close() ends', async () => {
    // An app behind --forward-to slower than the listener's grace for open connections.
    const app = createServer((_req, res) => setTimeout(() => res.end('late'), 900));
    await new Promise<void>((listening) => app.listen(0, '127.0.0.1', listening));
    cleanup.push(() => new Promise((closed) => app.close(closed)));
    const { port: appPort } = app.address() as AddressInfo;
    const { listener, port, deliveries } = await start({ forwardTo: `http://127.0.0.1:${appPort}/` });
    const socket = connect(port, '127.0.0.1');
    socket.on('error', () => {});
    await new Promise((written) => socket.write(post(), written));
    await new Promise((later) => setTimeout(later, 50));
    await listener.close();
    socket.destroy();
    expect(deliveries.map((d) => [d.status, d.error?.code])).toEqual([[null, 'LISTENER_STOPPED']]);
  });

  it('closes idle keep-alive connections when the listener stops', async () => {
    const { listener, port } = await start();
    const socket = connect(port, '127.0.0.1');
    const closed = new Promise((resolve) => socket.on('close', resolve));
    socket.on('error', () => undefined);
    await new Promise((answered) => {
      socket.once('data', answered);
      socket.write(post());
    });
    await listener.close();
    await closed;
  });
});
