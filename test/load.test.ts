import { readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { PostResult } from '../src/io/http.js';
import { main } from '../src/cli.js';
import { runLoad, type LoadRequest } from '../src/io/load.js';
import { runCli, tempDir } from './helpers/cli.js';
import { fakeContext, until } from './helpers/context.js';

const servers: Server[] = [];
afterEach(async () => {
  await Promise.all(
    servers.splice(0).map(
      (s) =>
        new Promise((resolve) => {
          s.close(resolve);
          s.closeAllConnections();
        }),
    ),
  );
});

async function serve(handler: Parameters<typeof createServer>[1]): Promise<string> {
  const server = createServer(handler);
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

interface Numbered extends LoadRequest {
  n: number;
}

/** Runs a load of `total` numbered requests; returns what each settled with, by number. */
async function load(origin: string, total: number, timeoutMs = 10_000) {
  let n = 0;
  const settled = new Map<number, PostResult[]>();
  await runLoad<Numbered>({
    origin,
    total,
    connections: 4,
    timeoutMs,
    next: () => {
      const i = n++;
      return { n: i, path: `/hook?n=${i}`, headers: { 'x-n': String(i) }, body: JSON.stringify({ n: i }) };
    },
    settle: (request, result) => settled.set(request.n, [...(settled.get(request.n) ?? []), result]),
  });
  return { built: n, settled };
}

describe('the load engine (send --count)', () => {
  it('builds every request afresh and settles each exactly once with its own answer', async () => {
    const seen: string[] = [];
    const origin = await serve((req, res) => {
      let body = '';
      req.on('data', (d) => (body += d));
      req.on('end', () => {
        seen.push(body);
        res.writeHead(201, { 'x-echo': req.headers['x-n'] }).end(`got ${body}`);
      });
    });
    const { built, settled } = await load(origin, 100);
    expect(built).toBe(100);
    expect(settled.size).toBe(100);
    expect(new Set(seen).size).toBe(100);
    for (const [n, results] of settled) {
      expect(results).toHaveLength(1);
      expect(results[0]!.status).toBe(201);
      expect(results[0]!.headers['x-echo']).toBe(String(n));
      expect(results[0]!.body.toString()).toBe(`got {"n":${n}}`);
    }
  });

  it('settles every request as refused when nothing listens, and ends', async () => {
    const origin = await serve(() => {});
    await new Promise((resolve) => servers.pop()!.close(resolve));
    const { built, settled } = await load(origin, 20);
    expect(built).toBe(20);
    expect(settled.size).toBe(20);
    for (const [, results] of settled) {
      expect(results).toHaveLength(1);
      expect(results[0]!.status).toBeNull();
      expect(results[0]!.error?.code).toBe('ECONNREFUSED');
    }
  });

  it('settles a request whose connection the receiver drops as failed, and goes on', async () => {
    let count = 0;
    const origin = await serve((req, res) => {
      req.resume();
      // Every third request: hang up without an answer.
      if (++count % 3 === 0) (req.socket as Socket).destroy();
      else req.on('end', () => res.end('ok'));
    });
    const { settled } = await load(origin, 30);
    expect(settled.size).toBe(30);
    const results = [...settled.values()].map((r) => {
      expect(r).toHaveLength(1);
      return r[0]!;
    });
    expect(results.filter((r) => r.status === 200).length).toBeGreaterThan(0);
    for (const r of results.filter((x) => x.status === null)) expect(r.error?.code).toBe('NETWORK');
  });

  it('opens a new connection after each answer that closes its own, and settles every request', async () => {
    const origin = await serve((req, res) => {
      req.resume();
      req.on('end', () => {
        res.setHeader('connection', 'close');
        // Written in pieces, chunked: the engine reads an answer from however it arrives.
        res.write('par');
        setImmediate(() => res.end('ts'));
      });
    });
    const { settled } = await load(origin, 40);
    expect(settled.size).toBe(40);
    for (const [, results] of settled) {
      expect(results).toHaveLength(1);
      expect(results[0]!.status).toBe(200);
      expect(results[0]!.body.toString()).toBe('parts');
    }
  });

  it('fails the run with the error of a request that cannot be built', async () => {
    const origin = await serve((req, res) => req.resume().on('end', () => res.end('ok')));
    const run = runLoad({
      origin,
      total: 10,
      connections: 4,
      timeoutMs: 5000,
      next: () => {
        throw new Error('no secret fits');
      },
      settle: () => {},
    });
    await expect(run).rejects.toThrow('no secret fits');
  });

  it('send --count stops with exit 2 when the event cannot be signed or fails --strict', async () => {
    const origin = await serve((req, res) => req.resume().on('end', () => res.end('ok')));
    const bad = await runCli(
      [
        'send',
        'work_order.created',
        '--count',
        '3',
        '--to',
        origin,
        '--scheme',
        'standard',
        '--secret',
        'not!b64',
      ],
      { cwd: tempDir() },
    );
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/whsec_/);
    const strict = await runCli(
      ['send', 'work_order.created', '--count', '3', '--to', origin, '--strict', '--set', 'data.nope=1'],
      { cwd: tempDir() },
    );
    expect(strict.code).toBe(2);
    expect(strict.stderr).toMatch(/no such field/);
  });

  it('settles a request left unanswered past the timeout as a timeout', async () => {
    const origin = await serve(() => {
      // Never answers.
    });
    const { settled } = await load(origin, 4, 1000);
    expect(settled.size).toBe(4);
    for (const [, results] of settled) {
      expect(results[0]!.error?.code).toBe('TIMEOUT');
      // Never before its time.
      expect(results[0]!.durationMs).toBeGreaterThanOrEqual(1000);
    }
  });

  it('times out the one request left unanswered while the others are answered, and ends', async () => {
    // The third request is never answered; the deadline first watched is an earlier, answered one's.
    const origin = await serve((req, res) => {
      req.resume();
      req.on('end', () => {
        if (req.url !== '/hook?n=2') res.writeHead(200).end('{}');
      });
    });
    const { settled } = await load(origin, 12, 500);
    expect(settled.size).toBe(12);
    const late = [...settled].filter(([, results]) => results[0]!.error);
    expect(late.map(([n, results]) => [n, results[0]!.error!.code])).toEqual([[2, 'TIMEOUT']]);
    expect(late[0]![1][0]!.durationMs).toBeGreaterThanOrEqual(500);
  });

  it('send --count logs every delivery, each with its own event id and signature', async () => {
    const origin = await serve((req, res) => {
      req.resume();
      req.on('end', () => res.writeHead(200, { 'content-type': 'application/json' }).end('{"ok":true}'));
    });
    const cwd = tempDir();
    const res = await runCli(
      ['send', 'work_order.created', '--count', '300', '--concurrency', '16', '--to', `${origin}/in`],
      { cwd },
    );
    expect(res.code).toBe(0);
    expect(res.stderr).toMatch(
      /300 sent: 300 ok, 0 failed · [\d.]+ req\/s · p50 [\d.]+ ms · p95 [\d.]+ ms · p99/,
    );
    const records = readFileSync(path.join(cwd, '.mes-webhooks', 'deliveries.jsonl'), 'utf8')
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l));
    expect(records).toHaveLength(300);
    expect(new Set(records.map((r) => r.deliveryId)).size).toBe(300);
    expect(new Set(records.map((r) => r.eventId)).size).toBe(300);
    expect(new Set(records.map((r) => r.request.headers['x-mes-signature'])).size).toBe(300);
    for (const r of records) {
      expect(r.request.url).toBe(`${origin}/in`);
      expect(r.request.headers['content-length']).toBeUndefined();
      expect(r.response).toMatchObject({ status: 200, body: '{"ok":true}' });
    }
  });

  it('send --count with nothing listening fails with the hint to start a listener', async () => {
    const origin = await serve(() => {});
    await new Promise((resolve) => servers.pop()!.close(resolve));
    const res = await runCli(['send', 'work_order.created', '--count', '10', '--to', origin, '--no-log']);
    expect(res.code).toBe(1);
    expect(res.stderr).toMatch(/nothing is listening at/);
  });

  it('send --count on the load engine stops at Ctrl-C with exit 130 and a partial summary', async () => {
    let seen = 0;
    const origin = await serve((req, res) => {
      req.resume();
      req.on('end', () => {
        seen++;
        res.writeHead(200).end('{}');
      });
    });
    const ctx = fakeContext();
    const total = 1_000_000;
    const running = main(
      [
        'send',
        'work_order.created',
        '--count',
        String(total),
        '--concurrency',
        '4',
        '--to',
        origin,
        '--no-log',
      ],
      ctx,
    );
    await until(() => seen >= 20, 'twenty requests');
    ctx.stop();
    expect(await running).toBe(130);
    expect(seen).toBeLessThan(total);
    expect(ctx.stderrText()).toMatch(/interrupted|stopped/i);
  });
});
