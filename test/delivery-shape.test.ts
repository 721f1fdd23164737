import { readFileSync } from 'node:fs';
import path from 'node:path';
import WebSocket from 'ws';
import { describe, expect, it } from 'vitest';
import { deliveryJsonSchema, streamLineSchema } from '../src/pipeline/schema.js';
import { runCli, startCli, tempDir } from './helpers/cli.js';
import { testScope } from './helpers/scope.js';

const { later, receiver } = testScope();

const lines = (text: string) =>
  text
    .split('\n')
    .filter((l) => l.trim() !== '')
    .map((l) => JSON.parse(l) as Record<string, unknown>);

/** Every line is a delivery in the one shape, or a typed line; the deliveries are handed back. */
function deliveries(producer: string, text: string): Record<string, unknown>[] {
  const found: Record<string, unknown>[] = [];
  for (const line of lines(text)) {
    const parsed = streamLineSchema.safeParse(line);
    expect(parsed.success, `${producer}: ${JSON.stringify(line)}\n${parsed.error?.message}`).toBe(true);
    if (!('type' in line)) found.push(line);
  }
  return found;
}

describe('one JSON shape for a delivery', () => {
  it('send, listen, logs, replay, retry, scenario and the feed all print it', async () => {
    const cwd = tempDir();
    const app = await receiver();
    const listener = startCli(
      ['listen', '--port', '0', '--json', '--fail-first', '1', '--forward-to', app.url],
      {
        cwd,
      },
    );
    later(() => listener.stop());
    const [, url] = await listener.waitFor(/Listening on (\S+)/);
    const [, feedUrl] = await listener.waitFor(/Feed: (\S+)/);
    const feed: Record<string, unknown>[] = [];
    const ws = new WebSocket(feedUrl!);
    ws.on('message', (data) => feed.push(JSON.parse(String(data))));
    await new Promise((resolve) => ws.once('open', resolve));
    later(async () => ws.close());

    // --fail-first 1: each event's first delivery fails, so there are failures, retries and replays to show.
    const send = await runCli(['send', 'work_order.created', '--to', url!, '--json'], { cwd });
    const scenario = await runCli(['scenario', 'work-order-lifecycle', '--to', url!, '--json'], { cwd });
    const retry = await runCli(
      ['retry', 'work_order.started', '--to', url!, '--schedule', '0,1s', '--speed', '1000', '--json'],
      { cwd },
    );
    const replay = await runCli(['replay', '--last', '2', '--json'], { cwd });
    const stopped = await listener.stop();
    const logs = await runCli(['logs', '--json', '--limit', '0'], { cwd });
    expect(retry.code).toBe(0);
    expect(replay.code).toBe(0);

    const sent = deliveries('send', send.stdout);
    expect(sent).toHaveLength(1);
    expect(sent[0]).toMatchObject({ kind: 'send', status: 503, ok: false });
    expect(deliveries('scenario', scenario.stdout).length).toBeGreaterThan(1);
    const attempts = deliveries('retry', retry.stdout);
    expect(attempts.map((a) => a.kind)).toEqual(['send', 'retry']);
    expect(attempts[1]!.retryOf).toBe(attempts[0]!.deliveryId);
    const replays = deliveries('replay', replay.stdout);
    expect(replays).toHaveLength(2);
    for (const r of replays) expect(r).toMatchObject({ kind: 'replay', replayOf: expect.any(String) });
    const received = deliveries('listen', stopped.stdout);
    expect(received.some((r) => (r.forward as { status?: number } | undefined)?.status === 200)).toBe(true);
    const logged = deliveries('logs', logs.stdout);
    expect(logged.map((r) => r.kind).sort()).toEqual(
      expect.arrayContaining(['send', 'receive', 'forward', 'replay', 'retry']),
    );
    expect(logged.find((r) => r.kind === 'forward')).toHaveProperty('forwardOf');

    // The feed and the log file carry the same shape, with the exact request and response besides.
    const fed = feed.filter((m) => m.type === 'delivery').map((m) => m.delivery);
    expect(fed.length).toBe(received.length);
    for (const d of fed) expect(deliveryJsonSchema.safeParse(d).success).toBe(true);
    const file = readFileSync(path.join(cwd, '.mes-webhooks', 'deliveries.jsonl'), 'utf8');
    for (const line of lines(file)) expect(deliveryJsonSchema.safeParse(line).success).toBe(true);
  });
});
