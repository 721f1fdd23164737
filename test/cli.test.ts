import { mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { DEV_SECRET } from '../src/io/settings.js';
import { runCli, startCli, tempDir, type RunningCli } from './helpers/cli.js';
import { freePort } from './helpers/receiver.js';
import { testScope } from './helpers/scope.js';
import { vendorVerifiers } from './helpers/vendor-verifiers.js';

const { later, receiver } = testScope();

function listen(args: string[], options: Parameters<typeof startCli>[1] = {}): RunningCli {
  const cli = startCli(['listen', '--port', '0', ...args], options);
  later(() => cli.stop());
  return cli;
}

const logLines = (cwd: string) =>
  readFileSync(path.join(cwd, '.mes-webhooks', 'deliveries.jsonl'), 'utf8')
    .trim()
    .split('\n')
    .map((l) => JSON.parse(l));

describe('mes-webhooks --help and events', () => {
  it('shows help with examples for every command', async () => {
    const top = await runCli(['--help']);
    expect(top.code).toBe(0);
    expect(top.stdout).toMatch(/Examples:/);
    for (const command of ['events', 'payload', 'send', 'listen']) {
      const help = await runCli([command, '--help']);
      expect(help.code).toBe(0);
      expect(help.stdout).toMatch(/Examples:\n\s+\$ mes-webhooks/);
    }
  });

  it('lists 81 events, and filters by provider', async () => {
    const all = await runCli(['events', '--json']);
    expect(all.code).toBe(0);
    const events = JSON.parse(all.stdout);
    expect(events).toHaveLength(81);
    const katana = await runCli(['events', '--provider', 'katana']);
    expect(katana.stdout.match(/^\s+[a-z_]+\.[a-z_]+\s/gm)).toHaveLength(59);
    expect(katana.stdout).not.toContain(String.fromCharCode(27));
  });

  it('exits 2 for an unknown provider or option', async () => {
    const bad = await runCli(['events', '--provider', 'sap']);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/--provider: must be one of mes, tracktile, betterez, katana/);
    expect(bad.stderr).not.toMatch(/did you mean/);
    const typo = await runCli(['events', '--provider', 'katanna']);
    expect(typo.code).toBe(2);
    expect(typo.stderr).toMatch(/^Hint: did you mean katana\?$/m);
    const scheme = await runCli(['payload', 'work_order.created', '--scheme', 'standrd']);
    expect(scheme.code).toBe(2);
    expect(scheme.stderr).toMatch(/--scheme: must be one of .*\nHint: did you mean standard\?/);
    expect((await runCli(['events', '--nope'])).code).toBe(2);
    expect((await runCli(['frobnicate'])).code).toBe(2);
  });
});

describe('mes-webhooks payload', () => {
  it('prints the exact compact body', async () => {
    const res = await runCli(['payload', 'work_order.created', '--set', 'data.workOrder.quantity=250']);
    expect(res.code).toBe(0);
    const body = res.stdout.trim();
    expect(JSON.stringify(JSON.parse(body))).toBe(body);
    expect(JSON.parse(body).data.workOrder.quantity).toBe(250);
  });

  it('prints signed headers ready for curl with --headers', async () => {
    const res = await runCli(['payload', 'inventory.moved', '--headers'], {
      env: { MES_WEBHOOKS_SECRET: 's3cret' },
    });
    const [head, body] = res.stdout.split('\n\n');
    const headers = Object.fromEntries(head!.split('\n').map((l) => l.split(': ') as [string, string]));
    expect(headers['content-type']).toBe('application/json');
    expect(vendorVerifiers.tracktile!(headers, Buffer.from(body!.trim()), 's3cret')).toBe(true);
    expect(res.stdout).not.toMatch(/s3cret/);
  });

  it('exits 2 with suggestions for an unknown event, and for a bad --set', async () => {
    const res = await runCli(['payload', 'work_order.craeted']);
    expect(res.code).toBe(2);
    expect(res.stderr).toMatch(/unknown event "work_order.craeted"/);
    expect(res.stderr).toMatch(/did you mean work_order.created/);
    expect(res.stderr).not.toMatch(/\n\s+at /);
    const set = await runCli(['payload', 'work_order.created', '--set', 'noequals']);
    expect(set.code).toBe(2);
    expect(set.stderr).toMatch(/--set: "[^"]*" is not path=value/);
  });
});

describe('mes-webhooks send', () => {
  it("delivers all 81 events, each accepted by its vendor's documented verification", async () => {
    const secret = 'team-secret-1';
    const target = await receiver((req) => {
      const event = JSON.parse(req.body.toString());
      const provider = event.type ? 'mes' : event.kind ? 'tracktile' : event.event ? 'betterez' : 'katana';
      return {
        status: vendorVerifiers[provider]!(req.headers, req.body, secret) ? 200 : 401,
        body: '{"ok":true}',
      };
    });
    const cwd = tempDir();
    const res = await runCli(['send', '--all', '--to', target.url, '--json'], {
      cwd,
      env: { MES_WEBHOOKS_SECRET: secret },
    });
    expect(res.stderr).toBe('');
    expect(res.code).toBe(0);
    const lines = res.stdout
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l));
    expect(lines.filter((l) => l.deliveryId)).toHaveLength(81);
    expect(lines.every((l) => !l.deliveryId || l.status === 200)).toBe(true);
    expect(lines.at(-1)).toMatchObject({ type: 'summary', of: 'send', total: 81, ok: 81, failed: 0 });
    expect(target.received).toHaveLength(81);
    const logged = logLines(cwd);
    expect(logged).toHaveLength(81);
    expect(logged[0]).toMatchObject({ direction: 'sent', status: 200, ok: true });
    expect(logged.map((r) => r.request.body).sort()).toEqual(
      target.received.map((r) => r.body.toString()).sort(),
    );
  });

  it('signs with another scheme and sends extra headers', async () => {
    const target = await receiver();
    const res = await runCli([
      'send',
      'work_order.created',
      '--scheme',
      'standard',
      '--header',
      'X-Trace: abc',
      '--to',
      target.url,
    ]);
    expect(res.code).toBe(0);
    const [req] = target.received;
    expect(req!.headers['x-trace']).toBe('abc');
    expect(vendorVerifiers.standard!(req!.headers, req!.body, DEV_SECRET)).toBe(true);
    expect(req!.headers['webhook-id']).toBe(JSON.parse(req!.body.toString()).id);
  });

  it('prints status, latency and the answer, and exits 1 when the receiver says no', async () => {
    const target = await receiver(() => ({ status: 500, body: '{"error":"database down"}' }));
    const res = await runCli(['send', 'quality.ncr_created', '--to', target.url]);
    expect(res.code).toBe(1);
    expect(res.stdout).toMatch(
      /500\s+quality\.ncr_created\s+evt-\w+\s+[\d.]+ ms\s+http:\/\/127\.0\.0\.1:\d+\/webhooks\s+\{"error":"database down"\}/,
    );
    expect(res.stderr).toMatch(/not answered with 2xx/);
  });

  it('says nothing is listening when the target is down, and exits 1', async () => {
    const port = await freePort();
    const res = await runCli(['send', 'work_order.created', '--to', `http://127.0.0.1:${port}/hook`]);
    expect(res.code).toBe(1);
    expect(res.stderr).toMatch(new RegExp(`nothing is listening at http://127.0.0.1:${port}/hook`));
    expect(res.stderr).toMatch(/mes-webhooks listen/);
  });

  it('gives up after --timeout and says so', async () => {
    const target = await receiver(
      () => new Promise((resolve) => setTimeout(() => resolve({ status: 200 }), 2000)),
    );
    const res = await runCli(['send', 'work_order.created', '--to', target.url, '--timeout', '200']);
    expect(res.code).toBe(1);
    expect(res.stdout).toMatch(/no answer from .* within 200 ms/);
  });

  it('exits 2 for an unknown event, a bad URL, bad numbers, and no event off a terminal', async () => {
    const unknown = await runCli(['send', 'sales_order.shipped', '--to', 'http://127.0.0.1:1/']);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toMatch(/did you mean .*sales_order\./);
    expect((await runCli(['send', 'work_order.created', '--to', 'not a url'])).code).toBe(2);
    const count = await runCli(['send', 'work_order.created', '--count', 'many']);
    expect(count.code).toBe(2);
    expect(count.stderr).toMatch(/--count: must be a whole number/);
    const none = await runCli(['send']);
    expect(none.code).toBe(2);
    expect(none.stderr).toMatch(/name an event to send, or use --all/);
  });

  it('reads the target from MES_WEBHOOKS_URL and the config file', async () => {
    const fromEnv = await receiver();
    expect(
      (await runCli(['send', 'work_order.started'], { env: { MES_WEBHOOKS_URL: fromEnv.url } })).code,
    ).toBe(0);
    expect(fromEnv.received).toHaveLength(1);
    const fromConfig = await receiver();
    const cwd = tempDir();
    writeFileSync(
      path.join(cwd, 'mes-webhooks.config.json'),
      JSON.stringify({ to: fromConfig.url, secretEnv: 'MY_HOOK_SECRET' }),
    );
    expect(
      (await runCli(['send', 'work_order.started'], { cwd, env: { MY_HOOK_SECRET: 'from-config' } })).code,
    ).toBe(0);
    expect(
      vendorVerifiers.mes!(fromConfig.received[0]!.headers, fromConfig.received[0]!.body, 'from-config'),
    ).toBe(true);
    writeFileSync(path.join(cwd, 'mes-webhooks.config.json'), JSON.stringify({ to: 'ftp://x', colour: 1 }));
    const bad = await runCli(['send', 'work_order.started'], { cwd });
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/mes-webhooks\.config\.json: "to"/);
  });

  it('reads the secret a config names only when something is signed with it', async () => {
    const cwd = tempDir();
    mkdirSync(path.join(cwd, 'fx', 'acme'), { recursive: true });
    writeFileSync(
      path.join(cwd, 'fx', 'acme', 'batch.released.json'),
      JSON.stringify({
        event: 'batch.released',
        description: 'A batch was released',
        payload: { type: 'batch.released', id: 'x', data: {} },
      }),
    );
    writeFileSync(
      path.join(cwd, 'mes-webhooks.config.json'),
      JSON.stringify({
        secretEnv: 'UNSET_HOOK_SECRET',
        fixtures: ['./fx'],
        providers: {
          acme: { scheme: 'mes', eventField: 'type', idField: 'id', secretEnv: 'ACME_HOOK_SECRET' },
        },
      }),
    );
    const env = { ACME_HOOK_SECRET: 'acme-only' };
    const body = await runCli(['payload', 'work_order.created'], { cwd, env });
    expect(body.code).toBe(0);
    expect(JSON.parse(body.stdout).type).toBe('work_order.created');
    const signed = await runCli(['payload', 'work_order.created', '--headers'], { cwd, env });
    expect(signed.code).toBe(2);
    expect(signed.stderr).toMatch(/names UNSET_HOOK_SECRET for the secret, but it is not set/);
    // acme's events have a secret of their own: the global one is never needed.
    const target = await receiver();
    const sent = await runCli(['send', 'batch.released', '--to', target.url], { cwd, env });
    expect(sent.code).toBe(0);
    expect(vendorVerifiers.mes!(target.received[0]!.headers, target.received[0]!.body, 'acme-only')).toBe(
      true,
    );
    // A send with no target starts a listener here, which checks with the global secret: it must be set.
    const local = await runCli(['send', 'batch.released'], { cwd, env });
    expect(local.code).toBe(2);
    expect(local.stderr).toMatch(/names UNSET_HOOK_SECRET/);
  });

  it('with no target anywhere, starts a listener here and shows both sides', async () => {
    const cwd = tempDir();
    const res = await runCli(['send', 'work_order.created'], { cwd });
    expect(res.code).toBe(0);
    expect(res.stdout).toMatch(/200\s+work_order\.created/);
    expect(res.stdout).toMatch(/received\s+.*work_order\.created.*valid\s+200/);
    expect(res.stderr).toMatch(/sending to a listener started here/);
    const logged = logLines(cwd);
    expect(logged.map((r) => r.direction).sort()).toEqual(['received', 'sent']);
    expect(statSync(path.join(cwd, '.mes-webhooks', 'deliveries.jsonl')).mode & 0o777).toBe(0o600);
  });

  it('load-tests with --count and --concurrency, fresh ids and signatures each time', async () => {
    const target = await receiver();
    const res = await runCli([
      'send',
      'work_order.created',
      '--count',
      '200',
      '--concurrency',
      '8',
      '--to',
      target.url,
      '--no-log',
    ]);
    expect(res.code).toBe(0);
    expect(res.stderr).toMatch(
      /200 sent: 200 ok, 0 failed · [\d.]+ req\/s · p50 [\d.]+ ms · p95 [\d.]+ ms · p99 [\d.]+ ms/,
    );
    expect(target.received).toHaveLength(200);
    const ids = new Set(target.received.map((r) => JSON.parse(r.body.toString()).id));
    expect(ids.size).toBe(200);
    for (const r of target.received) expect(vendorVerifiers.mes!(r.headers, r.body, DEV_SECRET)).toBe(true);
  });
});

describe('mes-webhooks listen', () => {
  it('prints each delivery with its verdict, valid for send --to and invalid for a wrong secret', async () => {
    const cwd = tempDir();
    const cli = listen([], { cwd });
    const [, url] = await cli.waitFor(/Listening on (http:\/\/127\.0\.0\.1:\d+\/)/);
    expect((await runCli(['send', 'work_order.created', '--to', url!])).code).toBe(0);
    await cli.waitFor(/work_order\.created\s+evt-\w+\s+valid\s+200/);
    expect((await runCli(['send', 'inventory.received', '--to', url!, '--secret', 'wrong'])).code).toBe(0);
    await cli.waitFor(/inventory\.received\s+\S+\s+invalid\s+200/);
    const stopped = await cli.stop('SIGINT');
    expect(stopped.code).toBe(0);
    expect(stopped.stderr).toMatch(/Stopped\. 2 deliveries \(1 valid, 1 invalid\)/);
    const received = logLines(cwd).filter((r) => r.direction === 'received');
    expect(received.map((r) => r.signature.verdict)).toEqual(['valid', 'invalid']);
  });

  it('prints one JSON object per delivery with --json, and answers 401 with --strict', async () => {
    const cli = listen(['--json', '--strict', '--no-log']);
    const [, url] = await cli.waitFor(/Listening on (\S+)/);
    const bad = await runCli(['send', 'sales_order.packed', '--to', url!, '--secret', 'nope']);
    expect(bad.code).toBe(1);
    await cli.waitFor(/"verdict":"invalid"/);
    const line = JSON.parse(cli.stdout().trim().split('\n')[0]!);
    expect(line).toMatchObject({
      direction: 'received',
      kind: 'receive',
      provider: 'katana',
      event: 'sales_order.packed',
      eventId: null,
      url: '/',
      signature: { verdict: 'invalid' },
      status: 401,
      ok: false,
    });
    for (const key of ['deliveryId', 'at', 'groupId', 'durationMs']) expect(line).toHaveProperty(key);
  });

  it('exits 2 when the port is taken', async () => {
    const first = listen([]);
    const [, port] = await first.waitFor(/127\.0\.0\.1:(\d+)/);
    const second = await runCli(['listen', '--port', port!]);
    expect(second.code).toBe(2);
    expect(second.stderr).toMatch(/already in use/);
  });

  it('shows what a flaky listener simulated and what the app behind it answered', async () => {
    const port = await freePort();
    const cli = listen(['--fail-first', '1', '--forward-to', `http://127.0.0.1:${port}/app`, '--no-log']);
    const [, url] = await cli.waitFor(/Listening on (\S+)/);
    await cli.waitFor(/Flaky on purpose: failing the first 1 of each event with 503/);
    const first = await runCli(['send', 'work_order.created', '--to', url!, '--set', 'id="evt-fixed"']);
    expect(first.code).toBe(1);
    await cli.waitFor(/503 .*simulated: fail-first 1\/1/);
    const second = await runCli(['send', 'work_order.created', '--to', url!, '--set', 'id="evt-fixed"']);
    expect(second.code).toBe(1);
    expect(second.stdout).toMatch(/502/);
    await cli.waitFor(/app down: nothing is listening/);
  });

  it('warns when bound beyond loopback', async () => {
    const cli = listen(['--host', '0.0.0.0', '--no-log']);
    await cli.waitFor(/Warning: listening on 0\.0\.0\.0/);
  });
});
