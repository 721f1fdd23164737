import { appendFileSync, readFileSync, writeFileSync, mkdirSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { recordBody, type DeliveryRecord } from '../src/core/delivery.js';
import { globToRegExp, matcher, parseSince } from '../src/core/query.js';
import { sign } from '../src/core/schemes/index.js';
import { readDeliveriesNewestFirst } from '../src/io/log.js';
import { runCli, startCli, tempDir } from './helpers/cli.js';
import { acceptsFreshTracktile, testScope } from './helpers/scope.js';

const { later, receiver } = testScope();
const logFile = (cwd: string) => path.join(cwd, '.mes-webhooks', 'deliveries.jsonl');
const jsonLines = (text: string) =>
  text
    .trim()
    .split('\n')
    .filter(Boolean)
    .map((l) => JSON.parse(l));

describe('log queries', () => {
  it('reads durations and ISO times for --since', () => {
    const now = new Date('2026-01-01T12:00:00Z');
    expect(parseSince('30m', now).toISOString()).toBe('2026-01-01T11:30:00.000Z');
    expect(parseSince('2h', now).toISOString()).toBe('2026-01-01T10:00:00.000Z');
    expect(parseSince('1d', now).toISOString()).toBe('2025-12-31T12:00:00.000Z');
    expect(parseSince('2025-06-01T00:00:00Z', now).toISOString()).toBe('2025-06-01T00:00:00.000Z');
    // A domain error: a stable code, and no flag name in the message (the CLI edge adds it).
    expect(() => parseSince('yesterday', now)).toThrow(expect.objectContaining({ code: 'E_BAD_SINCE' }));
    expect(() => parseSince('yesterday', now)).not.toThrow(/--since/);
  });

  it('matches event globs literally but for *', () => {
    expect(globToRegExp('quality.*').test('quality.ncr_created')).toBe(true);
    expect(globToRegExp('quality.*').test('qualityXncr')).toBe(false);
    expect(globToRegExp('*.created').test('sales_order.created')).toBe(true);
  });

  it('filters on every field together', () => {
    const base = {
      event: 'quality.ncr_created',
      provider: 'mes',
      direction: 'sent',
      ok: false,
      at: '2026-01-01T11:45:00Z',
      kind: 'send',
    } as DeliveryRecord;
    const since = new Date('2026-01-01T11:30:00Z');
    expect(
      matcher({ event: 'quality.*', provider: 'mes', direction: 'sent', failed: true, since })(base),
    ).toBe(true);
    expect(matcher({ failed: true })({ ...base, ok: true })).toBe(false);
    expect(matcher({ since })({ ...base, at: '2026-01-01T11:00:00Z' })).toBe(false);
    expect(matcher({ originalsOnly: true })({ ...base, kind: 'forward' })).toBe(false);
  });

  it('reads the log newest first across chunk boundaries, skipping garbage', async () => {
    const file = path.join(tempDir(), 'deliveries.jsonl');
    const lines = Array.from({ length: 3000 }, (_, i) =>
      JSON.stringify({ deliveryId: `d${i}`, pad: 'x'.repeat(i % 97) }),
    );
    writeFileSync(
      file,
      `${lines.slice(0, 1500).join('\n')}\ngarbage\n${lines.slice(1500).join('\n')}\n{"torn`,
    );
    const stats = { skipped: 0 };
    const ids: string[] = [];
    for await (const r of readDeliveriesNewestFirst(file, stats)) ids.push(r.deliveryId);
    expect(ids).toEqual(Array.from({ length: 3000 }, (_, i) => `d${2999 - i}`));
    expect(stats.skipped).toBe(2);
  });
});

describe('mes-webhooks logs', () => {
  async function morning(cwd: string) {
    const ok = await receiver();
    const failing = await receiver(() => ({ status: 500, body: '{"error":"boom"}' }));
    await runCli(['send', 'work_order.created', 'operation.started', '--to', ok.url], { cwd });
    await runCli(['send', 'quality.ncr_created', 'quality.inspection_complete', '--to', failing.url], {
      cwd,
    });
    await runCli(['send', 'quality.ncr_created', '--to', ok.url], { cwd });
    return { ok, failing };
  }

  it('lists newest first and filters by event glob, failure, direction, provider and time', async () => {
    const cwd = tempDir();
    await morning(cwd);
    const all = jsonLines((await runCli(['logs', '--json'], { cwd })).stdout);
    expect(all.map((r) => r.event)).toEqual([
      'quality.ncr_created',
      'quality.inspection_complete',
      'quality.ncr_created',
      'operation.started',
      'work_order.created',
    ]);
    for (const key of [
      'deliveryId',
      'direction',
      'provider',
      'event',
      'eventId',
      'url',
      'status',
      'ok',
      'attempt',
      'durationMs',
      'at',
    ]) {
      expect(all[0]).toHaveProperty(key);
    }
    const failed = jsonLines(
      (await runCli(['logs', '--event', 'quality.*', '--failed', '--json'], { cwd })).stdout,
    );
    expect(failed.map((r) => [r.event, r.status])).toEqual([
      ['quality.inspection_complete', 500],
      ['quality.ncr_created', 500],
    ]);
    expect(jsonLines((await runCli(['logs', '--json', '--limit', '2'], { cwd })).stdout)).toHaveLength(2);
    expect(
      jsonLines((await runCli(['logs', '--json', '--direction', 'received'], { cwd })).stdout),
    ).toHaveLength(0);
    expect(
      jsonLines((await runCli(['logs', '--json', '--provider', 'katana'], { cwd })).stdout),
    ).toHaveLength(0);
    expect(jsonLines((await runCli(['logs', '--json', '--since', '1h'], { cwd })).stdout)).toHaveLength(5);
    const table = await runCli(['logs'], { cwd });
    expect(table.stdout).toMatch(/→\s+send\s+mes\s+quality\.ncr_created\s+200/);
    expect((await runCli(['logs', '--since', 'soon'], { cwd })).code).toBe(2);
  });

  it('shows one delivery with its request, response and the chain it belongs to', async () => {
    const cwd = tempDir();
    const { failing } = await morning(cwd);
    const [failed] = jsonLines(
      (await runCli(['logs', '--failed', '--json', '--limit', '1'], { cwd })).stdout,
    );
    const replay = await runCli(['replay', failed.deliveryId, '--to', failing.url], { cwd });
    expect(replay.code).toBe(1);
    const show = await runCli(['logs', 'show', failed.deliveryId], { cwd });
    expect(show.code).toBe(0);
    expect(show.stdout).toMatch(/POST http:\/\/127\.0\.0\.1:\d+\/webhooks/);
    expect(show.stdout).toMatch(/x-mes-signature: [0-9a-f]{64}/);
    expect(show.stdout).toMatch(/"error": "boom"/);
    expect(show.stdout).toMatch(/Attempts, forwards and replays \(2\)/);
    expect(show.stdout).toMatch(/replay/);
    const json = JSON.parse((await runCli(['logs', 'show', failed.deliveryId, '--json'], { cwd })).stdout);
    expect(json.chain.map((c: { kind: string }) => c.kind)).toEqual(['send', 'replay']);
    const missing = await runCli(['logs', 'show', 'dlv_nope'], { cwd });
    expect(missing.code).toBe(2);
    expect(missing.stderr).toMatch(/no delivery dlv_nope/);
  });

  it('says how many unreadable lines it skipped, and keeps going', async () => {
    const cwd = tempDir();
    await morning(cwd);
    appendFileSync(logFile(cwd), 'garbage line\n{"torn":');
    const res = await runCli(['logs', '--json'], { cwd });
    expect(res.code).toBe(0);
    expect(jsonLines(res.stdout)).toHaveLength(5);
    expect(res.stderr).toMatch(/Skipped 2 unreadable lines/);
  });

  // Truncation while following is driven on a fake clock in main.test.ts.
  it('--follow prints what another process logs, even after the log is created late', async () => {
    const cwd = tempDir();
    const target = await receiver();
    const follow = startCli(['logs', '--follow', '--json'], { cwd });
    later(() => follow.stop());
    await follow.waitFor(/Following/);
    await runCli(['send', 'work_order.created', '--to', target.url], { cwd });
    await follow.waitFor(/"event":"work_order.created"/);
    const stopped = await follow.stop();
    expect(stopped.code).toBe(0);
  });

  it('exports HAR 1.2 that devtools can import', async () => {
    const cwd = tempDir();
    await morning(cwd);
    const res = await runCli(['logs', 'export', '--har', 'out.har', '--event', 'quality.*'], { cwd });
    expect(res.code).toBe(0);
    const har = JSON.parse(readFileSync(path.join(cwd, 'out.har'), 'utf8'));
    expect(har.log.version).toBe('1.2');
    expect(har.log.creator.name).toBe('mes-webhooks');
    expect(har.log.entries).toHaveLength(3);
    const entry = har.log.entries[0];
    expect(entry.request).toMatchObject({
      method: 'POST',
      httpVersion: 'HTTP/1.1',
      postData: { mimeType: 'application/json' },
    });
    expect(JSON.parse(entry.request.postData.text).type).toBe('quality.ncr_created');
    expect(entry.response.status).toBe(500);
    expect(entry.response.content.text).toBe('{"error":"boom"}');
    expect(typeof entry.startedDateTime).toBe('string');
    expect(entry.timings.wait).toBeGreaterThan(0);
  });

  it('clear asks first: refuses off a terminal without --yes, clears with it', async () => {
    const cwd = tempDir();
    await morning(cwd);
    const refused = await runCli(['logs', 'clear'], { cwd });
    expect(refused.code).toBe(2);
    expect(refused.stderr).toMatch(/--yes/);
    expect(readFileSync(logFile(cwd), 'utf8').length).toBeGreaterThan(0);
    expect((await runCli(['logs', 'clear', '--yes'], { cwd })).code).toBe(0);
    expect(jsonLines((await runCli(['logs', '--json'], { cwd })).stdout)).toHaveLength(0);
  });
});

describe('mes-webhooks replay', () => {
  it('sends the failures again byte for byte, logged with a link to the original', async () => {
    const cwd = tempDir();
    const failing = await receiver(() => ({ status: 503 }));
    await runCli(
      [
        'send',
        'quality.ncr_created',
        'quality.inspection_complete',
        'work_order.created',
        '--to',
        failing.url,
      ],
      { cwd },
    );
    const fixed = await receiver();
    const res = await runCli(['replay', '--failed', '--event', 'quality.*', '--to', fixed.url, '--json'], {
      cwd,
    });
    expect(res.code).toBe(0);
    const lines = jsonLines(res.stdout);
    const replays = lines.filter((l) => l.deliveryId);
    expect(replays).toHaveLength(2);
    expect(lines.at(-1)).toMatchObject({ type: 'summary', of: 'replay', sent: 2, failed: 0 });
    expect(fixed.received.map((r) => r.body.toString())).toEqual(
      failing.received.slice(0, 2).map((r) => r.body.toString()),
    );
    expect(fixed.received[0]!.headers['x-mes-signature']).toBe(
      failing.received[0]!.headers['x-mes-signature'],
    );
    const logged = jsonLines(readFileSync(logFile(cwd), 'utf8')).filter((r) => r.kind === 'replay');
    expect(logged.map((r) => r.parentId)).toEqual(replays.map((r) => r.replayOf));
  });

  it('replays to the original URL by default, by id and with --last', async () => {
    const cwd = tempDir();
    const target = await receiver();
    await runCli(['send', 'work_order.created', 'work_order.started', '--to', target.url], { cwd });
    const [newest] = jsonLines((await runCli(['logs', '--json', '--limit', '1'], { cwd })).stdout);
    expect((await runCli(['replay', newest.deliveryId], { cwd })).code).toBe(0);
    expect(JSON.parse(target.received[2]!.body.toString()).type).toBe('work_order.started');
    expect((await runCli(['replay', '--last', '2'], { cwd })).code).toBe(0);
    expect(target.received).toHaveLength(5);
  });

  it('--resign gives a timestamped receiver a fresh signature it accepts, keeping the event id', async () => {
    const cwd = tempDir();
    const secret = 'tt-secret';
    const acceptsFresh = await receiver(acceptsFreshTracktile(secret));
    // A delivery logged an hour ago: its signed timestamp is stale now.
    const body = JSON.stringify({
      id: 'evt-old-1',
      kind: 'inventory.received',
      time: '2026-01-01T00:00:00Z',
      transactionId: 'txn_1',
      flowId: 'f',
    });
    const hourAgo = Math.floor(Date.now() / 1000) - 3600;
    const headers: Record<string, string> = {
      'content-type': 'application/json',
      ...sign('tracktile', { secret, body, timestamp: hourAgo, messageId: '' }),
    };
    const old: DeliveryRecord = {
      v: 1,
      deliveryId: 'dlv_old',
      direction: 'sent',
      kind: 'send',
      at: new Date(hourAgo * 1000).toISOString(),
      provider: 'tracktile',
      event: 'inventory.received',
      eventId: 'evt-old-1',
      scheme: 'tracktile',
      attempt: 1,
      groupId: 'dlv_old',
      request: { method: 'POST', url: acceptsFresh.url, headers, ...recordBody(Buffer.from(body)) },
      status: 500,
      ok: false,
      durationMs: 3,
    };
    mkdirSync(path.dirname(logFile(cwd)), { recursive: true });
    writeFileSync(logFile(cwd), `${JSON.stringify(old)}\n`);
    expect((await runCli(['replay', 'dlv_old'], { cwd })).code).toBe(1);
    const resigned = await runCli(['replay', 'dlv_old', '--resign'], {
      cwd,
      env: { MES_WEBHOOKS_SECRET: secret },
    });
    expect(resigned.code).toBe(0);
    expect(acceptsFresh.received[1]!.body.toString()).toBe(body);
    expect(acceptsFresh.received[1]!.headers['x-tracktile-signature']).not.toBe(
      headers['x-tracktile-signature'],
    );
  });

  it('--dry-run shows what would go and sends nothing; a received delivery is skipped without --to', async () => {
    const cwd = tempDir();
    const target = await receiver();
    await runCli(['send', 'work_order.created', '--to', target.url], { cwd });
    const dry = await runCli(['replay', '--last', '1', '--dry-run'], { cwd });
    expect(dry.code).toBe(0);
    expect(dry.stdout).toMatch(
      /POST http:\/\/127\.0\.0\.1:\d+\/webhooks\s+replay of dlv_\w+\s+work_order\.created\s+\d+ B\s+exact bytes/,
    );
    expect(dry.stdout).toMatch(/x-mes-signature: [0-9a-f]{64}/);
    expect(target.received).toHaveLength(1);

    const listenCwd = tempDir();
    await runCli(['send', 'operation.started'], { cwd: listenCwd });
    const received = await runCli(['replay', '--direction', 'received', '--last', '1'], { cwd: listenCwd });
    expect(received.code).toBe(0);
    expect(received.stderr).toMatch(/Skipped dlv_\w+: it was received, not sent.*--to/);
    expect(
      (
        await runCli(['replay', '--direction', 'received', '--last', '1', '--to', target.url], {
          cwd: listenCwd,
        })
      ).code,
    ).toBe(0);
    expect(JSON.parse(target.received[1]!.body.toString()).type).toBe('operation.started');
    expect((await runCli(['replay'], { cwd })).code).toBe(2);
  });
});
