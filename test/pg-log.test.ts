import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import pg from 'pg';
import WebSocket from 'ws';
import { runCli, startCli, tempDir, type RunningCli } from './helpers/cli.js';
import { startPostgres, type PgServer } from './helpers/pg-server.mjs';
import { startReceiver } from './helpers/receiver.js';

// A real PostgreSQL server for the whole file. If it cannot start, beforeAll throws and every test
// here fails: these scenarios are never skipped.
let server: PgServer;
beforeAll(async () => {
  server = await startPostgres();
}, 60_000);
afterAll(async () => {
  await server?.destroy();
}, 30_000);

async function listen(
  url: string,
  extra: string[] = [],
): Promise<{ cli: RunningCli; url: string; feed: string }> {
  const cli = startCli(['listen', '--port', '0', '--json', '--log-url', url, ...extra]);
  const [, at] = await cli.waitFor(/Listening on (http:\/\/\S+)/);
  const [, feed] = await cli.waitFor(/Feed: (ws:\/\/\S+)/);
  return { cli, url: at!, feed: feed! };
}

const ids = (stdout: string) =>
  stdout
    .trim()
    .split('\n')
    .filter(Boolean)
    .map((line) => JSON.parse(line) as { deliveryId: string; at: string; direction: string });

async function post(url: string, body: Buffer | string) {
  const res = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body });
  return {
    status: res.status,
    json: (await res.json()) as { ok: boolean; deliveryId?: string; error?: string },
  };
}

describe('a delivery history in PostgreSQL, shared by several processes', () => {
  it('two listeners write to one database; logs in a third process sees both, newest first', async () => {
    const db = await server.createDatabase('shared');
    const a = await listen(db);
    const b = await listen(db);
    try {
      const first = await post(a.url, '{"event":"work_order.created","id":"one"}');
      const second = await post(b.url, '{"event":"work_order.created","id":"two"}');
      const third = await post(a.url, '{"event":"work_order.created","id":"three"}');
      expect([first.status, second.status, third.status]).toEqual([200, 200, 200]);

      const logs = await runCli(['logs', '--json', '--log-url', db]);
      expect(logs.code).toBe(0);
      expect(ids(logs.stdout).map((r) => r.deliveryId)).toEqual([
        third.json.deliveryId,
        second.json.deliveryId,
        first.json.deliveryId,
      ]);

      const show = await runCli(['logs', 'show', second.json.deliveryId!, '--json', '--log-url', db]);
      expect(show.code).toBe(0);
      expect(JSON.parse(show.stdout).request.body).toBe('{"event":"work_order.created","id":"two"}');

      // replay picks from the shared history, exact bytes (--last counts received ones with --direction).
      const receiver = await startReceiver();
      try {
        const replay = await runCli([
          'replay',
          '--last',
          '2',
          '--direction',
          'received',
          '--to',
          receiver.url,
          '--log-url',
          db,
        ]);
        expect(replay.code, replay.stderr).toBe(0);
        expect(receiver.received.map((r) => r.body.toString())).toEqual([
          '{"event":"work_order.created","id":"two"}',
          '{"event":"work_order.created","id":"three"}',
        ]);
      } finally {
        await receiver.close();
      }
      const after = await runCli(['logs', '--json', '--limit', '0', '--log-url', db]);
      expect(ids(after.stdout)).toHaveLength(5);
    } finally {
      await a.cli.stop();
      await b.cli.stop();
    }
  }, 60_000);

  it('logs --follow and the feed see deliveries another listener received', async () => {
    const db = await server.createDatabase('follow');
    const a = await listen(db);
    const b = await listen(db);
    const follow = startCli(['logs', '--follow', '--json', '--log-url', db]);
    const socket = new WebSocket(a.feed);
    const opened = new Promise((resolve) => socket.once('open', resolve));
    const relayed = new Promise<{ delivery: { deliveryId: string } }>((resolve) =>
      socket.on('message', (data) => {
        const message = JSON.parse(String(data));
        if (message.type === 'delivery') resolve(message);
      }),
    );
    try {
      await follow.waitFor(/Following postgres:/);
      await opened;
      const sent = await post(b.url, '{"event":"work_order.released","id":"followed"}');
      expect(sent.status).toBe(200);
      await follow.waitFor(new RegExp(sent.json.deliveryId!));
      expect((await relayed).delivery.deliveryId).toBe(sent.json.deliveryId);
    } finally {
      socket.close();
      await follow.stop();
      await a.cli.stop();
      await b.cli.stop();
    }
  }, 60_000);

  it('moves history between the file and the database byte for byte', async () => {
    const home = tempDir();
    // A file log with a text body and one that is not UTF-8.
    const local = startCli(['listen', '--port', '0'], { cwd: home });
    const [, at] = await local.waitFor(/Listening on (http:\/\/\S+)/);
    await post(at!, '{"event":"work_order.created","note":"héllo"}');
    await post(at!, Buffer.from([0x7b, 0xff, 0xfe, 0x7d]));
    await local.stop();
    const file = path.join(home, '.mes-webhooks', 'deliveries.jsonl');
    const original = readFileSync(file);
    expect(original.toString().trim().split('\n')).toHaveLength(2);

    const db = await server.createDatabase('moved');
    const imported = await runCli(['logs', 'import', file, '--log-url', db]);
    expect(imported.code, imported.stderr).toBe(0);
    expect(imported.stderr).toMatch(/Imported 2 deliveries/);
    // The table holds the exact body bytes, and its rows cannot be changed.
    const client = new pg.Client({ connectionString: db });
    await client.connect();
    try {
      const { rows } = await client.query<{ request_body: Buffer }>(
        'SELECT request_body FROM mes_webhooks_deliveries ORDER BY seq',
      );
      expect(rows.map((r) => r.request_body.toString('hex'))).toEqual([
        Buffer.from('{"event":"work_order.created","note":"héllo"}').toString('hex'),
        '7bfffe7d',
      ]);
      await expect(client.query('UPDATE mes_webhooks_deliveries SET ok = true')).rejects.toThrow(
        /append-only/,
      );
    } finally {
      await client.end();
    }
    const again = await runCli(['logs', 'import', file, '--log-url', db]);
    expect(again.stderr).toMatch(/Imported 0 deliveries.*2 already there/);

    const exported = path.join(home, 'from-db.jsonl');
    const out = await runCli(['logs', 'export', '--jsonl', exported, '--log-url', db]);
    expect(out.code, out.stderr).toBe(0);
    expect(readFileSync(exported).equals(original)).toBe(true);

    // And back into an empty file log elsewhere.
    const other = tempDir();
    const back = await runCli(['logs', 'import', exported], { cwd: other });
    expect(back.code, back.stderr).toBe(0);
    expect(readFileSync(path.join(other, '.mes-webhooks', 'deliveries.jsonl')).equals(original)).toBe(true);
  }, 60_000);

  it('send, scenario and retry write to the database; export --har reads it; bad import lines are skipped', async () => {
    const db = await server.createDatabase('commands');
    const receiver = await startReceiver();
    try {
      const sent = await runCli(['send', 'work_order.created', '--to', receiver.url, '--log-url', db]);
      expect(sent.code, sent.stderr).toBe(0);
      const retried = await runCli([
        'retry',
        'work_order.created',
        '--to',
        receiver.url,
        '--max-attempts',
        '1',
        '--log-url',
        db,
      ]);
      expect(retried.code, retried.stderr).toBe(0);
      const scenario = await runCli([
        'scenario',
        'work-order-lifecycle',
        '--to',
        receiver.url,
        '--log-url',
        db,
      ]);
      expect(scenario.code, scenario.stderr).toBe(0);
      const logs = await runCli(['logs', '--json', '--direction', 'sent', '--limit', '0', '--log-url', db]);
      const sentCount = logs.stdout.trim().split('\n').length;
      expect(sentCount).toBe(receiver.received.length);
      expect(sentCount).toBeGreaterThan(2);

      const home = tempDir();
      const har = await runCli(['logs', 'export', '--har', 'out.har', '--log-url', db], { cwd: home });
      expect(har.code, har.stderr).toBe(0);
      expect(JSON.parse(readFileSync(path.join(home, 'out.har'), 'utf8')).log.entries).toHaveLength(
        sentCount,
      );

      const hostile = path.join(home, 'hostile.jsonl');
      writeFileSync(
        hostile,
        [
          'not json',
          '{"deliveryId":"dlv_x"}',
          '{"v":1,"deliveryId":"dlv_y","direction":"sent","kind":"send","at":"yesterday","provider":null,"event":null,"eventId":null,"scheme":null,"attempt":1,"groupId":"dlv_y","request":{"method":"POST","url":"/","headers":{},"body":"","bodyEncoding":"utf8"},"status":null,"ok":false,"durationMs":0}',
          '',
        ].join('\n'),
      );
      const imported = await runCli(['logs', 'import', hostile, '--log-url', db]);
      expect(imported.code, imported.stderr).toBe(0);
      expect(imported.stderr).toMatch(/Skipped 3 unreadable lines/);
      expect(imported.stderr).toMatch(/Imported 0 deliveries/);
    } finally {
      await receiver.close();
    }
  }, 60_000);

  it('lists and exports a history of several pages whole and in order', async () => {
    const db = await server.createDatabase('pages');
    const home = tempDir();
    const lines = Array.from({ length: 1234 }, (_, i) =>
      JSON.stringify({
        v: 1,
        deliveryId: `dlv_page${String(i).padStart(5, '0')}`,
        direction: 'received',
        kind: 'receive',
        at: new Date(Date.UTC(2026, 0, 1, 0, 0, 0, i)).toISOString(),
        provider: 'mes',
        event: 'work_order.created',
        eventId: null,
        scheme: null,
        attempt: 1,
        groupId: `dlv_page${i}`,
        request: { method: 'POST', url: '/', headers: {}, body: `{"n":${i}}`, bodyEncoding: 'utf8' },
        status: 200,
        ok: true,
        durationMs: 1,
      }),
    );
    const file = path.join(home, 'many.jsonl');
    writeFileSync(file, `${lines.join('\n')}\n`);
    expect((await runCli(['logs', 'import', file, '--log-url', db])).code).toBe(0);
    const listed = await runCli(['logs', '--json', '--limit', '0', '--log-url', db]);
    const order = ids(listed.stdout).map((r) => r.deliveryId);
    expect(order).toHaveLength(1234);
    expect(order).toEqual([...order].sort().reverse());
    const out = path.join(home, 'back.jsonl');
    expect((await runCli(['logs', 'export', '--jsonl', out, '--log-url', db])).code).toBe(0);
    expect(readFileSync(out, 'utf8')).toBe(`${lines.join('\n')}\n`);
  }, 60_000);

  it('a wrong password or database is a clear error at start, exit 2', async () => {
    const wrong = server.url('postgres', 'not-the-password');
    const logs = await runCli(['logs', '--log-url', wrong]);
    expect(logs.code).toBe(2);
    expect(logs.stderr).toMatch(/cannot use the delivery database .*\*\*\*.*password authentication failed/);
    expect(logs.stderr).not.toContain('not-the-password');
    const listener = await runCli(['listen', '--port', '0'], { env: { MES_WEBHOOKS_LOG_URL: wrong } });
    expect(listener.code).toBe(2);
    const missing = await runCli(['logs', '--log-url', server.url('no_such_db')]);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toMatch(/database "no_such_db" does not exist/);
    const notPg = await runCli(['logs', '--log-url', 'mysql://localhost/x']);
    expect(notPg.code).toBe(2);
  }, 60_000);

  // Last: it stops the server under the listener.
  it('the database going away under listen: 503 with the reason, then recovery, nothing acknowledged lost', async () => {
    const db = await server.createDatabase('faults');
    const a = await listen(db);
    const acknowledged: string[] = [];
    try {
      for (let i = 0; i < 3; i++) {
        const r = await post(a.url, `{"event":"work_order.created","n":${i}}`);
        expect(r.status).toBe(200);
        acknowledged.push(r.json.deliveryId!);
      }
      await server.stop();
      const refused = await post(a.url, '{"event":"work_order.created","n":"down"}');
      expect(refused.status).toBe(503);
      expect(refused.json.error).toMatch(/not stored/);
      await a.cli.waitFor(/could not write the delivery log postgres:.*answered 503/);

      await server.start();
      const back = await post(a.url, '{"event":"work_order.created","n":"back"}');
      expect(back.status).toBe(200);
      acknowledged.push(back.json.deliveryId!);
      await a.cli.waitFor(/delivery log postgres:.* can be written again/);

      const logs = await runCli(['logs', '--json', '--limit', '0', '--log-url', db]);
      const stored = new Set(ids(logs.stdout).map((r) => r.deliveryId));
      for (const id of acknowledged) expect(stored.has(id)).toBe(true);
      // The refused delivery was not stored: the sender retries it.
      expect(stored.size).toBe(acknowledged.length);
    } finally {
      await a.cli.stop();
    }

    // A sender whose log goes away mid-run: a warning, the run itself unaffected.
    const receiver = await startReceiver(async () => {
      await server.stop();
      return { status: 200, body: '{"ok":true}' };
    });
    try {
      const sent = await runCli(['send', 'work_order.created', '--to', receiver.url, '--log-url', db]);
      expect(sent.code, sent.stderr).toBe(0);
      expect(sent.stderr).toMatch(/Warning: could not write the delivery log/);
    } finally {
      await receiver.close();
      await server.start();
    }
  }, 90_000);
});
