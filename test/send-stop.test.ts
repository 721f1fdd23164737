import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli, startCli, tempDir } from './helpers/cli.js';
import { testScope } from './helpers/scope.js';

const { later } = testScope();

/** A loopback receiver that answers nothing until told to: `release(n)` answers the first n held. */
async function holdingReceiver() {
  const held: ServerResponse[] = [];
  const server = createServer((req, res) => {
    req.resume();
    req.on('end', () => held.push(res));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  later(
    () =>
      new Promise((resolve) => {
        server.close(resolve);
        server.closeAllConnections();
      }),
  );
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/hook`,
    held: () => held.length,
    release: (n: number) => held.splice(0, n).forEach((res) => res.writeHead(200).end('{"late":true}')),
  };
}

/** Lets the event loop turn until `condition` holds, the output a spawned command makes included. */
async function until(condition: () => boolean, what: string): Promise<void> {
  for (let turns = 0; !condition(); turns++) {
    if (turns > 2_000) throw new Error(`never saw ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

const logLines = (cwd: string) => {
  const file = path.join(cwd, '.mes-webhooks', 'deliveries.jsonl');
  if (!existsSync(file)) return [];
  return readFileSync(file, 'utf8')
    .split('\n')
    .filter((line) => line !== '')
    .map((line) => JSON.parse(line) as { status: number | null; error?: { code: string } });
};

describe('Ctrl-C during send --count', () => {
  it.each([
    ['the load engine', []],
    ['the plain path (--body)', ['--body', 'body.json']],
  ])(
    'on %s, logs and counts every request written: answered after it, or cut off by a second Ctrl-C',
    async (_, extra) => {
      const app = await holdingReceiver();
      const cwd = tempDir();
      writeFileSync(path.join(cwd, 'body.json'), '{"hello":1}');
      const cli = startCli(
        ['send', 'work_order.created', '--count', '1000', '--concurrency', '4', '--to', app.url, ...extra],
        { cwd },
      );
      later(() => cli.stop('SIGKILL'));
      // Four requests written, none answered.
      await until(() => app.held() === 4, 'four requests held');
      cli.child.kill('SIGINT');
      await cli.waitFor(/Stopping: waiting up to 5 s for the answer to 4 requests in flight/);
      // Two are answered after Ctrl-C, and logged as answered.
      app.release(2);
      await until(() => logLines(cwd).length === 2, 'two answers logged');
      const res = await cli.stop('SIGINT');
      expect(res.code).toBe(130);
      const lines = logLines(cwd);
      expect(lines).toHaveLength(4);
      expect(lines.filter((l) => l.status === 200)).toHaveLength(2);
      expect(lines.filter((l) => l.status === null && l.error?.code === 'SENDER_STOPPED')).toHaveLength(2);
      expect(res.stderr).toMatch(/Stopped by Ctrl-C\. 4 sent: 2 ok, 2 failed/);
      expect(app.held()).toBe(2);
    },
  );

  it('stops with 130 when Ctrl-C comes after every request was written', async () => {
    const app = await holdingReceiver();
    const cwd = tempDir();
    const cli = startCli(['send', 'work_order.created', '--to', app.url], { cwd });
    later(() => cli.stop('SIGKILL'));
    await until(() => app.held() === 1, 'the request held');
    cli.child.kill('SIGINT');
    await cli.waitFor(/Stopping: waiting up to 5 s for the answer to 1 request in flight/);
    const res = await cli.stop('SIGINT');
    expect(res.code).toBe(130);
    expect(res.stderr).toMatch(/Stopped by Ctrl-C\. 1 sent: 0 ok, 1 failed/);
    expect(logLines(cwd).map((l) => l.error?.code)).toEqual(['SENDER_STOPPED']);
  });

  it('waits for the answers in flight, and ends once they are all in', async () => {
    const app = await holdingReceiver();
    const cwd = tempDir();
    const cli = startCli(
      ['send', 'work_order.created', '--count', '1000', '--concurrency', '3', '--to', app.url, '--json'],
      { cwd },
    );
    later(() => cli.stop('SIGKILL'));
    await until(() => app.held() === 3, 'three requests held');
    cli.child.kill('SIGINT');
    await cli.waitFor(/Stopping:/);
    app.release(3);
    // It ends by itself once the answers are in: no second Ctrl-C.
    const res = await cli.exited();
    expect(res.code).toBe(130);
    const lines = logLines(cwd);
    expect(lines.map((l) => l.status)).toEqual([200, 200, 200]);
    // --json: each delivery on stdout as well, then the summary.
    const out = res.stdout
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line) as { type?: string; total?: number; interrupted?: boolean });
    expect(out.at(-1)).toMatchObject({ total: 3, ok: 3, failed: 0, interrupted: true });
  });
});

describe('Ctrl-C during replay', () => {
  it('logs and counts every replay written: answered after it, or cut off by a second Ctrl-C', async () => {
    const cwd = tempDir();
    const first = await holdingReceiver();
    const sending = startCli(
      ['send', 'work_order.created', '--count', '6', '--concurrency', '6', '--to', first.url],
      { cwd },
    );
    later(() => sending.stop('SIGKILL'));
    await until(() => first.held() === 6, 'six sends held');
    first.release(6);
    expect((await sending.exited()).code).toBe(0);

    const app = await holdingReceiver();
    const cli = startCli(['replay', '--last', '6', '--concurrency', '4', '--to', app.url], { cwd });
    later(() => cli.stop('SIGKILL'));
    await until(() => app.held() === 4, 'four replays held');
    cli.child.kill('SIGINT');
    await cli.waitFor(/Stopping: waiting up to 5 s for the answer to 4 requests in flight/);
    app.release(2);
    await until(() => logLines(cwd).length === 8, 'two replays answered and logged');
    const res = await cli.stop('SIGINT');
    expect(res.code).toBe(130);
    const replays = logLines(cwd).slice(6);
    expect(replays).toHaveLength(4);
    expect(replays.filter((l) => l.status === 200)).toHaveLength(2);
    expect(replays.filter((l) => l.status === null && l.error?.code === 'SENDER_STOPPED')).toHaveLength(2);
    expect(res.stderr).toMatch(
      /Stopped by Ctrl-C\. Replayed 4 deliveries, byte for byte, 2 not answered with 2xx\./,
    );
    // The two not yet written when Ctrl-C came were not replayed.
    expect(app.held()).toBe(2);
    expect((await runCli(['logs', '--json'], { cwd })).stdout.trim().split('\n')).toHaveLength(10);
  });
});
