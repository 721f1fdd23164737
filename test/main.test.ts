import { existsSync, readFileSync, truncateSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { main } from '../src/cli.js';
import { COMMANDS } from '../src/commands/index.js';
import { FakeClock, fakeContext, until } from './helpers/context.js';
import { testScope } from './helpers/scope.js';

/** In-process tier: `main(argv, ctx)` with a fake context; no process spawned, no real clock. */
const { receiver } = testScope();
const jsonLines = (text: string) =>
  text
    .trim()
    .split('\n')
    .filter(Boolean)
    .map((l) => JSON.parse(l));

describe('main(argv, ctx)', () => {
  it('shows help for every command and exits 0', async () => {
    for (const spec of COMMANDS) {
      const ctx = fakeContext();
      expect(await main([spec.name, '--help'], ctx)).toBe(0);
      expect(ctx.stdoutText()).toContain(`Usage: mes-webhooks ${spec.name}`);
      for (const f of Object.values(spec.options)) expect(ctx.stdoutText()).toContain(f.flags.split(' ')[0]);
    }
  });

  it('shows the list options under logs --help', async () => {
    const ctx = fakeContext();
    expect(await main(['logs', '--help'], ctx)).toBe(0);
    for (const flag of ['--failed', '--since', '--limit', '--follow', '--json'])
      expect(ctx.stdoutText()).toContain(flag);
  });

  it('builds and signs with the injected clock', async () => {
    const clock = new FakeClock(Date.parse('2026-03-04T05:06:07Z'));
    const ctx = fakeContext({ clock });
    expect(await main(['payload', 'work_order.created', '--json'], ctx)).toBe(0);
    const [out] = jsonLines(ctx.stdoutText());
    expect(out.body).toContain('2026-03-04T05:06:07');
  });

  it('turns a header with a line break into a usage error', async () => {
    const ctx = fakeContext();
    const code = await main(['payload', 'work_order.created', '--header', 'X-A: b\r\nX-B: c'], ctx);
    expect(code).toBe(2);
    expect(ctx.stderrText()).toMatch(/--header: must not hold a line break/);
  });

  it('names the flag and the next step for domain errors, not core', async () => {
    const unknown = fakeContext();
    expect(await main(['payload', 'work_order.creatd'], unknown)).toBe(2);
    expect(unknown.stderrText()).toMatch(
      /did you mean work_order\.created, .*\? \(`mes-webhooks events` lists them all\)/,
    );
    const since = fakeContext();
    expect(await main(['logs', '--since', 'yesterday'], since)).toBe(2);
    expect(since.stderrText()).toMatch(/Error: --since: "yesterday" is neither a duration/);
    const schedule = fakeContext();
    expect(
      await main(
        ['retry', 'work_order.created', '--dry-run', '--schedule', 'exponential:wobble=1'],
        schedule,
      ),
    ).toBe(2);
    expect(schedule.stderrText()).toMatch(/--schedule: cannot read "wobble=1"/);
  });

  it('says nothing is listening, by the error code, and exits 1', async () => {
    const gone = await receiver();
    await gone.close();
    const ctx = fakeContext();
    expect(await main(['send', 'work_order.created', '--to', gone.url, '--no-log'], ctx)).toBe(1);
    expect(ctx.stderrText()).toMatch(/nothing is listening at/);
    expect(ctx.stderrText()).toMatch(/Hint: start one with `mes-webhooks listen`/);
  });

  it('verify says nothing is listening by the error code, and still exits 1', async () => {
    const gone = await receiver();
    await gone.close();
    const ctx = fakeContext();
    expect(await main(['verify', gone.url], ctx)).toBe(1);
    expect(ctx.stderrText()).toMatch(/Error: nothing is listening at .*\nHint: start your receiver first/);
  });

  it('init writes the secret variable the tool reads', async () => {
    const ctx = fakeContext();
    expect(await main(['init', '--to', 'http://127.0.0.1:3000/hooks', '--provider', 'mes'], ctx)).toBe(0);
    const config = JSON.parse(readFileSync(path.join(ctx.cwd, 'mes-webhooks.config.json'), 'utf8'));
    expect(config.secretEnv).toBe('MES_WEBHOOKS_SECRET');
  });

  it('logs export --har - writes the HAR to stdout', async () => {
    const target = await receiver();
    const ctx = fakeContext();
    expect(await main(['send', 'work_order.created', '--to', target.url], ctx)).toBe(0);
    const exported = fakeContext({ cwd: ctx.cwd });
    expect(await main(['logs', 'export', '--har', '-'], exported)).toBe(0);
    const har = JSON.parse(exported.stdoutText());
    expect(har.log.entries).toHaveLength(1);
    expect(har.log.entries[0].request.url).toBe(target.url);
    expect(exported.stderrText()).toMatch(/Wrote 1 entry to stdout/);
    // JSONL to stdout too: the records as the log holds them, a line each.
    const lines = fakeContext({ cwd: ctx.cwd });
    expect(await main(['logs', 'export', '--jsonl', '-'], lines)).toBe(0);
    const records = lines
      .stdoutText()
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as { request: { url: string } });
    expect(records.map((r) => r.request.url)).toEqual([target.url]);
    expect(lines.stderrText()).toMatch(/Wrote 1 delivery from .* to stdout/);
    expect(existsSync(path.join(ctx.cwd, '-'))).toBe(false);
  });

  it('plays a retry schedule on the fake clock: minutes of waiting, no real time', async () => {
    let calls = 0;
    const target = await receiver(() => ({ status: ++calls < 3 ? 503 : 200 }));
    const clock = new FakeClock();
    const ctx = fakeContext({ clock });
    const started = clock.ms;
    const run = main(
      ['retry', 'work_order.created', '--to', target.url, '--schedule', '0,5m,30m', '--json'],
      ctx,
    );
    for (let wait = 1; wait <= 2; wait++) {
      await until(() => clock.waiting > 0, 'the retry to wait');
      clock.advance(60 * 60_000);
    }
    expect(await run).toBe(0);
    expect(target.received).toHaveLength(3);
    expect(clock.ms - started).toBe(2 * 60 * 60_000);
    const lines = jsonLines(ctx.stdoutText());
    expect(lines.at(-1)).toMatchObject({ type: 'summary', succeeded: true });
  });

  it("waits a captured scenario's own gaps on the fake clock", async () => {
    const target = await receiver();
    const clock = new FakeClock();
    const ctx = fakeContext({ clock });
    const file = path.join(ctx.cwd, 'flow.json');
    const steps = [
      { event: 'work_order.created', set: { 'data.workOrder.id': '{{wo}}' } },
      { event: 'work_order.started', after: '90s', set: { 'data.workOrder.id': '{{wo}}' } },
      { event: 'work_order.completed', after: '1500ms', set: { 'data.workOrder.id': '{{wo}}' } },
    ];
    const { writeFileSync } = await import('node:fs');
    writeFileSync(
      file,
      JSON.stringify({ name: 'flow', description: 'captured', vars: { wo: 'wo-{{hex:6}}' }, steps }),
    );
    const started = clock.ms;
    let finished = false;
    const run = main(['scenario', file, '--to', target.url, '--json', '--no-log'], ctx).finally(
      () => (finished = true),
    );
    const waits: number[] = [];
    for (let i = 0; i < 10; i++) {
      await until(() => finished || clock.waiting > 0, 'a gap or the end');
      if (finished) break;
      const before = clock.ms;
      clock.advance(500);
      while (clock.waiting > 0) clock.advance(500);
      waits.push(clock.ms - before);
    }
    expect(await run).toBe(0);
    expect(waits).toEqual([90_000, 1500]);
    expect(clock.ms - started).toBe(91_500);
    const ids = target.received.map((r) => JSON.parse(r.body.toString()).data.workOrder.id);
    expect(new Set(ids).size).toBe(1);
    expect(ids[0]).toMatch(/^wo-[0-9a-f]{6}$/);
  });

  it('waits a scenario --gap on the fake clock', async () => {
    const target = await receiver();
    const clock = new FakeClock();
    const ctx = fakeContext({ clock });
    const started = clock.ms;
    const argv = [
      'scenario',
      'work-order-lifecycle',
      '--gap',
      '600000',
      '--to',
      target.url,
      '--json',
      '--no-log',
    ];
    let finished = false;
    const run = main(argv, ctx).finally(() => (finished = true));
    let gaps = 0;
    for (; gaps < 100; gaps++) {
      await until(() => finished || clock.waiting > 0, 'a gap or the end');
      if (finished) break;
      clock.advance(10 * 60_000);
    }
    expect(await run).toBe(0);
    expect(target.received.length).toBeGreaterThan(2);
    expect(gaps).toBe(target.received.length - 1);
    expect(clock.ms - started).toBe(gaps * 10 * 60_000);
  });

  it('logs --follow prints what is logged, after the log is truncated, on the fake clock', async () => {
    const target = await receiver();
    const clock = new FakeClock();
    const follow = fakeContext({ clock });
    const sender = fakeContext({ cwd: follow.cwd });
    const running = main(['logs', '--follow', '--json'], follow);
    await until(() => follow.stderrText().includes('Following'), 'the follower to start');
    await until(() => clock.waiting > 0, 'the first poll');

    expect(await main(['send', 'work_order.created', '--to', target.url], sender)).toBe(0);
    clock.advance(200);
    await until(() => follow.stdoutText().includes('"event":"work_order.created"'), 'the first delivery');

    truncateSync(path.join(follow.cwd, '.mes-webhooks', 'deliveries.jsonl'), 0);
    await until(() => clock.waiting > 0, 'the next poll');
    clock.advance(200);
    await until(() => clock.waiting > 0, 'the poll after the truncation');
    expect(await main(['send', 'sales_order.packed', '--to', target.url], sender)).toBe(0);
    clock.advance(200);
    await until(() => follow.stdoutText().includes('"event":"sales_order.packed"'), 'the delivery after it');

    follow.stop();
    expect(await running).toBe(0);
    expect(jsonLines(follow.stdoutText()).map((l) => l.event)).toEqual([
      'work_order.created',
      'sales_order.packed',
    ]);
  });
});
