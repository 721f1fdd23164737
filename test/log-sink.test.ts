// The durable log sink writes through the store and tells its producer when it could not keep a
// record: the listener answers 503 on that (and uses the log again once it is back), other
// producers go on after one warning.
import { rmSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { recordBody, type DeliveryRecord } from '../src/core/delivery.js';
import { systemRuntime } from '../src/io/runtime.js';
import { FileStore } from '../src/io/store.js';
import { logSink } from '../src/pipeline/sinks/log.js';
import { DeliveryStream, type StreamEvent } from '../src/pipeline/stream.js';
import { createListener, type Listener } from '../src/server/listener.js';
import { runCli, tempDir } from './helpers/cli.js';

const record = (id: string): DeliveryRecord => ({
  v: 1,
  deliveryId: id,
  direction: 'received',
  kind: 'receive',
  at: new Date(0).toISOString(),
  provider: null,
  event: null,
  eventId: null,
  scheme: null,
  attempt: 1,
  groupId: id,
  request: { method: 'POST', url: '/', headers: {}, ...recordBody(Buffer.from('{}')) },
  status: 200,
  ok: true,
  durationMs: 1,
});

function streamTo(file: string) {
  const stream = new DeliveryStream();
  const seen: StreamEvent[] = [];
  stream.subscribe({ accept: (event) => void seen.push(event) });
  stream.subscribe(logSink(new FileStore(file), stream, { owned: true }));
  return { stream, warnings: () => seen.filter((e) => e.type === 'warning') };
}

describe('the log sink', () => {
  it('resolves emit with nothing unwritten when the record is written, and opens the file 0600 at once', async () => {
    const file = path.join(tempDir(), 'home', 'deliveries.jsonl');
    const { stream } = streamTo(file);
    await stream.open();
    expect(statSync(file).mode & 0o777).toBe(0o600);
    expect(await stream.emit({ type: 'delivery', record: record('d1') })).toEqual({});
    expect(stream.failure()).toBeUndefined();
    await stream.close();
  });

  it('reports every record it cannot keep, with the reason, and warns once', async () => {
    const blocker = path.join(tempDir(), 'not-a-folder');
    writeFileSync(blocker, '');
    const { stream, warnings } = streamTo(path.join(blocker, 'deliveries.jsonl'));
    const first = await stream.emit({ type: 'delivery', record: record('d1') });
    const second = await stream.emit({ type: 'delivery', record: record('d2') });
    expect(first.unwritten).toMatch(/the delivery log cannot be written \(.*is a file, not a folder\)/);
    expect(second).toEqual(first);
    expect(stream.failure()).toBe(first.unwritten);
    expect(warnings()).toHaveLength(1);
    await stream.close();
  });

  it('knows an unwritable log from open, before the first record', async () => {
    const blocker = path.join(tempDir(), 'not-a-folder');
    writeFileSync(blocker, '');
    const { stream, warnings } = streamTo(path.join(blocker, 'deliveries.jsonl'));
    await stream.open();
    expect(stream.failure()).toMatch(/cannot be written/);
    expect(warnings()).toHaveLength(1);
    await stream.close();
  });

  it('leaves send to its own listener untouched: one warning, every delivery answered, exit 0', async () => {
    const blocker = path.join(tempDir(), 'not-a-folder');
    writeFileSync(blocker, '');
    const res = await runCli(['send', 'work_order.created', '--count', '3'], {
      env: { MES_WEBHOOKS_HOME: blocker },
    });
    expect(res.code).toBe(0);
    expect(res.stderr.match(/could not write the delivery log/g)).toHaveLength(1);
    expect(res.stderr).toMatch(/3 ok, 0 failed/);
  });
});

/** A log whose folder is a plain file: every write fails. */
function unwritableStore(): FileStore {
  const dir = tempDir();
  writeFileSync(path.join(dir, 'home'), 'x');
  return new FileStore(path.join(dir, 'home', 'deliveries.jsonl'));
}

let listener: Listener | undefined;
afterEach(async () => {
  await listener?.close();
  listener = undefined;
});

describe('the log sink writes through the store', () => {
  it('in a listener, a record that cannot be written is answered 503 with the reason, and warned once', async () => {
    const stream = new DeliveryStream();
    const warnings: string[] = [];
    stream.subscribe({
      accept: (e: StreamEvent) => void (e.type === 'warning' && warnings.push(e.message)),
    });
    stream.subscribe(logSink(unwritableStore(), stream, { acknowledge: true, owned: true }));
    listener = createListener({
      host: '127.0.0.1',
      port: 0,
      secret: 'whsec_test',
      strict: false,
      maxBodyBytes: 1024,
      runtime: systemRuntime,
      token: 't',
      stream,
    });
    const url = await listener.start();
    for (let i = 0; i < 2; i++) {
      const res = await fetch(url, { method: 'POST', body: `{"n":${i}}` });
      expect(res.status).toBe(503);
      expect(((await res.json()) as { error: string }).error).toMatch(/^not stored: .*home/);
    }
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toMatch(/could not write the delivery log .*answered 503/);
    await stream.close();
  });

  it('in a listener, tries every write again: a log that comes back is used at once, with one warning each way', async () => {
    const blocker = path.join(tempDir(), 'home');
    writeFileSync(blocker, 'x');
    const stream = new DeliveryStream();
    const warnings: string[] = [];
    stream.subscribe({
      accept: (e: StreamEvent) => void (e.type === 'warning' && warnings.push(e.message)),
    });
    stream.subscribe(
      logSink(new FileStore(path.join(blocker, 'deliveries.jsonl')), stream, { acknowledge: true }),
    );
    expect((await stream.emit({ type: 'delivery', record: record('d1') })).unwritten).toMatch(
      /cannot be written/,
    );
    expect((await stream.emit({ type: 'delivery', record: record('d2') })).unwritten).toMatch(
      /cannot be written/,
    );
    // Not refused up front: the next write is tried.
    expect(stream.failure()).toBeUndefined();
    rmSync(blocker);
    expect(await stream.emit({ type: 'delivery', record: record('d3') })).toEqual({});
    expect(warnings).toHaveLength(2);
    expect(warnings[1]).toMatch(/can be written again/);
    await stream.close();
  });

  it('elsewhere, a failed write is one warning and the producer goes on', async () => {
    const stream = new DeliveryStream();
    const warnings: string[] = [];
    stream.subscribe({
      accept: (e: StreamEvent) => void (e.type === 'warning' && warnings.push(e.message)),
    });
    stream.subscribe(logSink(unwritableStore(), stream, { owned: true }));
    for (let i = 0; i < 3; i++)
      expect((await stream.emit({ type: 'delivery', record: record('dlv_1') })).unwritten).toMatch(
        /cannot be written/,
      );
    expect(warnings).toHaveLength(1);
    await stream.close();
  });
});

describe('the log URL at the CLI edge', () => {
  it('logs clear refuses a database and leaves the file log; export needs --har or --jsonl', async () => {
    const cwd = tempDir();
    const home = path.join(cwd, 'home');
    const sent = await runCli(['send', 'work_order.created', '--to', 'http://127.0.0.1:1/'], {
      cwd,
      env: { MES_WEBHOOKS_HOME: home },
    });
    expect(sent.stderr).toMatch(/nothing is listening/);
    // Nothing is connected to: the refusal comes first.
    const cleared = await runCli(['logs', 'clear', '--yes', '--log-url', 'postgres://u:pw@127.0.0.1:1/db'], {
      cwd,
      env: { MES_WEBHOOKS_HOME: home },
    });
    expect(cleared.code).toBe(2);
    expect(cleared.stderr).toMatch(/append-only/);
    const listed = await runCli(['logs', '--json'], { cwd, env: { MES_WEBHOOKS_HOME: home } });
    expect(listed.stdout.trim().split('\n')).toHaveLength(1);
    const neither = await runCli(['logs', 'export'], { cwd, env: { MES_WEBHOOKS_HOME: home } });
    expect(neither.code).toBe(2);
    expect(neither.stderr).toMatch(/--har or --jsonl/);
    const bad = await runCli(['logs', '--log-url', 'mysql://x/y'], { cwd });
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/must start with postgres:\/\//);
  });
});
