import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { FileStore } from '../src/io/store.js';
import { systemRuntime } from '../src/io/runtime.js';
import { logSink } from '../src/pipeline/sinks/log.js';
import { DeliveryStream, type StreamEvent } from '../src/pipeline/stream.js';
import { createListener, type Listener } from '../src/server/listener.js';
import { runCli, tempDir } from './helpers/cli.js';

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

  it('elsewhere, a failed write is one warning and the producer goes on', async () => {
    const stream = new DeliveryStream();
    const warnings: string[] = [];
    stream.subscribe({
      accept: (e: StreamEvent) => void (e.type === 'warning' && warnings.push(e.message)),
    });
    stream.subscribe(logSink(unwritableStore(), stream, { owned: true }));
    const record = {
      deliveryId: 'dlv_1',
      request: { url: '/', headers: {}, body: '', bodyEncoding: 'utf8' },
    };
    for (let i = 0; i < 3; i++)
      await expect(stream.emit({ type: 'delivery', record: record as never })).resolves.toBeUndefined();
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
