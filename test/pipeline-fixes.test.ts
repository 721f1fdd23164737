import { getEventListeners } from 'node:events';
import { writeFileSync } from 'node:fs';
import { createServer, type Socket } from 'node:net';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { verify } from '../src/core/schemes/index.js';
import { followDeliveries } from '../src/io/log.js';
import { runCli, startCli, tempDir } from './helpers/cli.js';
import { testScope } from './helpers/scope.js';

const { later, receiver } = testScope();

describe('a delivery log that cannot be written', () => {
  for (const [name, home] of [
    ['a plain file', (dir: string) => (writeFileSync(path.join(dir, 'home'), 'x'), path.join(dir, 'home'))],
    ['a folder that cannot be made', () => '/proc/nope'],
  ] as const) {
    it(`is one warning when MES_WEBHOOKS_HOME is ${name}; the delivery and its exit code stand`, async () => {
      const cwd = tempDir();
      const target = await receiver();
      const res = await runCli(['send', 'work_order.created', '--to', target.url], {
        cwd,
        env: { MES_WEBHOOKS_HOME: home(cwd) },
        timeoutMs: 5_000,
      });
      expect(res.code).toBe(0);
      expect(res.stdout).toMatch(/✔\s+200\s+work_order\.created/);
      const warnings = res.stderr.split('\n').filter((l) => l.startsWith('Warning:'));
      expect(warnings).toHaveLength(1);
      expect(warnings[0]).toMatch(/could not write the delivery log \S+deliveries\.jsonl: \S/);
      expect(res.stderr).toMatch(/Hint: set MES_WEBHOOKS_HOME to a writable folder/);
      expect(res.stderr).not.toMatch(/\bat \S+ \(/);
    });
  }
});

describe('logs --follow', () => {
  it('keeps one abort listener however many times it polls', async () => {
    const stop = new AbortController();
    const follow = followDeliveries(path.join(tempDir(), 'none.jsonl'), 0, stop.signal, 1);
    const next = follow.next();
    for (let i = 0; i < 30; i++) await new Promise((resolve) => setTimeout(resolve, 2));
    expect(getEventListeners(stop.signal, 'abort').length).toBeLessThanOrEqual(1);
    stop.abort();
    expect((await next).done).toBe(true);
  });
});

describe('retry', () => {
  it('stops at "marked failed" unless --full, and says up front what the run takes', async () => {
    const failing = await receiver(() => ({ status: 500 }));
    const args = ['retry', 'work_order.created', '--to', failing.url, '--speed', '1000000', '--no-log'];
    const res = await runCli(args);
    expect(res.code).toBe(1);
    expect(res.stderr).toMatch(
      /5 attempts over \S+ simulated: up to [\d.]+ ms real at ×1000000; stops at "marked failed"/,
    );
    expect(res.stdout).toMatch(/Marked failed after 5 attempts/);
    expect(failing.received).toHaveLength(5);
    const full = await runCli([...args, '--full']);
    expect(full.code).toBe(1);
    expect(failing.received).toHaveLength(5 + 12);
  });
});

describe('Ctrl-C', () => {
  it('stops send --count at once with a partial summary, exit 130', async () => {
    const target = await receiver();
    const cli = startCli([
      'send',
      'work_order.created',
      '--count',
      '10000000',
      '--to',
      target.url,
      '--no-log',
    ]);
    later(() => cli.stop('SIGKILL'));
    while (target.received.length < 5) await new Promise((resolve) => setTimeout(resolve, 20));
    const res = await cli.stop('SIGINT');
    expect(res.code).toBe(130);
    expect(res.stderr).toMatch(/Stopped by Ctrl-C\. \d+ sent: \d+ ok/);
  });
});

describe('verify', () => {
  it('with the wrong secret, says the secret is the likely cause and skips what depends on it', async () => {
    const strict = await receiver((req) => ({
      status: verify('mes', {
        secret: 'the-right-one',
        body: req.body,
        headers: req.headers as Record<string, string>,
        now: 0,
      }).ok
        ? 200
        : 401,
    }));
    const res = await runCli(['verify', strict.url, '--secret', 'not-the-right-one']);
    expect(res.code).toBe(1);
    expect(res.stdout).toMatch(
      /signature\.valid\s+correctly signed deliveries get 401: the secret is the likely cause/,
    );
    expect(res.stdout).toMatch(/signed with the secret from --secret/);
    for (const check of ['signature.raw-bytes', 'idempotency.acknowledged', 'ordering.out-of-order'])
      expect(res.stdout).toMatch(new RegExp(`skip\\s+${check.replace('.', '\\.')}`));
    expect(res.stdout + res.stderr).not.toMatch(/not-the-right-one/);
  });

  it('stops at the first timeout of a receiver that never answers, and still writes --output', async () => {
    const sockets: Socket[] = [];
    const mute = createServer((socket) => sockets.push(socket));
    await new Promise<void>((resolve) => mute.listen(0, '127.0.0.1', resolve));
    later(async () => {
      sockets.forEach((s) => s.destroy());
      await new Promise((resolve) => mute.close(resolve));
    });
    const { port } = mute.address() as { port: number };
    const cwd = tempDir();
    const res = await runCli(
      ['verify', `http://127.0.0.1:${port}/`, '--reporter', 'json', '--output', 'r.json'],
      {
        cwd,
        timeoutMs: 30_000,
      },
    );
    expect(res.code).toBe(1);
    expect(res.stderr).toMatch(/took the connection but sent no answer within \d+ ms/);
    expect(sockets).toHaveLength(1);
    const down = await runCli(
      ['verify', 'http://127.0.0.1:9/', '--reporter', 'junit', '--output', 'down.xml'],
      {
        cwd,
      },
    );
    expect(down.code).toBe(1);
    expect(down.stderr).toMatch(/nothing is listening/);
    expect(down.stderr).toMatch(/Wrote the junit report/);
  });
});

describe('the inspector', () => {
  it('a delivery sent again from the inspector shows in the terminal too', async () => {
    const app = await receiver();
    const cli = startCli(['listen', '--port', '0', '--ui', '--forward-to', app.url, '--no-log']);
    later(() => cli.stop());
    const [, url] = await cli.waitFor(/Listening on (\S+)/);
    const [, token] = await cli.waitFor(/feed\?token=(\S+)/);
    await runCli(['send', 'work_order.created', '--to', url!, '--no-log']);
    const [, id] = await cli.waitFor(/work_order\.created\s+\S+\s+valid\s+200/).then(async () => {
      const res = await fetch(new URL('/__mes-webhooks/api/deliveries', url), {
        headers: { 'x-mes-webhooks-token': token! },
      });
      const { deliveries } = (await res.json()) as { deliveries: { deliveryId: string }[] };
      return [undefined, deliveries[0]!.deliveryId];
    });
    const resent = await fetch(new URL(`/__mes-webhooks/api/deliveries/${id}/resend`, url), {
      method: 'POST',
      headers: { 'x-mes-webhooks-token': token! },
    });
    expect(resent.status).toBe(200);
    await cli.waitFor(/sent again from the inspector\s+✔\s+200\s+work_order\.created/);
    expect(app.received).toHaveLength(2);
  });
});

describe('the listener on the stream', () => {
  it('answers a delivery only once the durable sinks have its record', async () => {
    const { DeliveryStream } = await import('../src/pipeline/stream.js');
    const { createListener } = await import('../src/server/listener.js');
    const { systemRuntime } = await import('../src/io/runtime.js');
    let release: () => void = () => {};
    const held = new Promise<void>((resolve) => (release = resolve));
    const accepted: string[] = [];
    const stream = new DeliveryStream().subscribe({
      accept(event) {
        if (event.type !== 'delivery') return;
        accepted.push(event.record.deliveryId);
        return held;
      },
    });
    const listener = createListener({
      host: '127.0.0.1',
      port: 0,
      secret: 's',
      strict: false,
      maxBodyBytes: 1024,
      runtime: systemRuntime,
      token: 't',
      stream,
    });
    const url = await listener.start();
    later(() => listener.close());
    let answered = false;
    const answer = fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: '{}',
    }).then((res) => {
      answered = true;
      return res.json() as Promise<{ deliveryId: string }>;
    });
    while (accepted.length === 0) await new Promise((resolve) => setTimeout(resolve, 5));
    expect(answered).toBe(false);
    release();
    expect((await answer).deliveryId).toBe(accepted[0]);
  });
});

describe('Ctrl-C during a retry wait', () => {
  it('stops at once with what was done, exit 130', async () => {
    const failing = await receiver(() => ({ status: 500 }));
    const cli = startCli([
      'retry',
      'work_order.created',
      '--to',
      failing.url,
      '--schedule',
      '0,1h',
      '--no-log',
    ]);
    later(() => cli.stop('SIGKILL'));
    await cli.waitFor(/waiting 1h/);
    const res = await cli.stop('SIGINT');
    expect(res.code).toBe(130);
    expect(res.stdout).toMatch(/✖ attempt 1[\s\S]*Stopped by Ctrl-C\. 1 attempt made\./);
  });
});
