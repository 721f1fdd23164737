import { writeFileSync, mkdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { Webhook } from 'standardwebhooks';
import { describe, expect, it } from 'vitest';
import { planDeliveries, drawVars, fill } from '../src/core/scenario.js';
import { seededRandom } from '../src/core/flaky.js';
import { runCli, startCli, tempDir } from './helpers/cli.js';
import { verify } from '../src/core/schemes/index.js';
import type { Receiver } from './helpers/receiver.js';
import { acceptsFreshTracktile, testScope } from './helpers/scope.js';

const { later, receiver } = testScope();
const LIFECYCLE = [
  'work_order.created',
  'inventory.material_allocated',
  'work_order.started',
  'operation.started',
  'operation.completed',
  'quality.inspection_complete',
  'inventory.material_consumed',
  'work_order.completed',
];
const bodies = (r: Receiver) => r.received.map((x) => JSON.parse(x.body.toString()));
const writeJson = (file: string, value: unknown) => writeFileSync(file, JSON.stringify(value, null, 2));

describe('scenario building blocks', () => {
  it('draws variables once, keeping whole integers as numbers', () => {
    const vars = drawVars(
      { wo: 'wo-{{hex:8}}', n: '{{int:5:5}}', label: 'WO-{{int:1:1}}' },
      seededRandom(1),
      () => 'u',
    );
    expect(vars.wo).toMatch(/^wo-[0-9a-f]{8}$/);
    expect(vars.n).toBe(5);
    expect(vars.label).toBe('WO-1');
    expect(fill({ a: '{{n}}', b: ['{{wo}}', 'x-{{n}}'] }, vars, seededRandom(1), () => 'u')).toEqual({
      a: 5,
      b: [vars.wo, 'x-5'],
    });
  });

  it('plans duplicates after their originals, and shuffles the same way for the same seed', () => {
    const items = ['a', 'b', 'c', 'd'];
    const plain = planDeliveries(items, { shuffle: false, duplicate: 3 }, seededRandom(5));
    expect(plain).toHaveLength(7);
    for (const [i, p] of plain.entries()) {
      if (p.duplicate) expect(plain.findIndex((q) => q.step === p.step && !q.duplicate)).toBeLessThan(i);
    }
    const a = planDeliveries(items, { shuffle: true, duplicate: 2 }, seededRandom(9));
    const b = planDeliveries(items, { shuffle: true, duplicate: 2 }, seededRandom(9));
    expect(a).toEqual(b);
  });
});

describe('mes-webhooks scenario', () => {
  it('lists the built-in scenarios', async () => {
    const res = await runCli(['scenario', '--list', '--json']);
    const names = res.stdout
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l).name);
    expect(names).toEqual(
      expect.arrayContaining([
        'work-order-lifecycle',
        'work-order-lifecycle-ncr',
        'katana-sales-order-lifecycle',
        'katana-manufacturing-order-lifecycle',
        'tracktile-inventory-flow',
      ]),
    );
  });

  it('delivers the work order lifecycle in order, all on one work order id', async () => {
    const target = await receiver();
    const res = await runCli(['scenario', 'work-order-lifecycle', '--to', target.url]);
    expect(res.code).toBe(0);
    const events = bodies(target);
    expect(events.map((e) => e.type)).toEqual(LIFECYCLE);
    const ids = new Set(
      events.map(
        (e) =>
          e.data.workOrder?.id ??
          e.data.operation?.workOrderId ??
          e.data.inspection?.workOrderId ??
          e.data.movement?.workOrderId,
      ),
    );
    expect(ids.size).toBe(1);
    expect([...ids][0]).toMatch(/^wo-[0-9a-f]{8}$/);
    expect(new Set(events.map((e) => e.id)).size).toBe(8);
  });

  it('--shuffle --duplicate 2 delivers a disordered, duplicated lifecycle, the same for the same seed', async () => {
    const run = async () => {
      const target = await receiver();
      expect(
        (
          await runCli([
            'scenario',
            'work-order-lifecycle',
            '--shuffle',
            '--duplicate',
            '2',
            '--seed',
            '42',
            '--to',
            target.url,
            '--json',
          ])
        ).code,
      ).toBe(0);
      return target;
    };
    const first = await run();
    const events = bodies(first);
    expect(events).toHaveLength(10);
    expect(new Set(events.map((e) => e.id)).size).toBe(8);
    const firstSeen = [...new Set(events.map((e) => e.type))];
    expect(firstSeen).toHaveLength(8);
    expect(firstSeen).not.toEqual(LIFECYCLE);
    const byId = new Map<string, string[]>();
    for (const r of first.received)
      byId.set(JSON.parse(r.body.toString()).id, [
        ...(byId.get(JSON.parse(r.body.toString()).id) ?? []),
        r.body.toString(),
      ]);
    for (const copies of byId.values()) expect(new Set(copies).size).toBe(1);
    const second = await run();
    expect(bodies(second).map((e) => e.type)).toEqual(events.map((e) => e.type));
  });

  it('keeps ids consistent in the Katana and Tracktile flows', async () => {
    const target = await receiver();
    expect((await runCli(['scenario', 'katana-sales-order-lifecycle', '--to', target.url])).code).toBe(0);
    const katana = bodies(target);
    expect(new Set(katana.map((e) => e.object.id)).size).toBe(1);
    expect(katana[0].object.href).toBe(`https://api.katanamrp.com/v1/sales_orders/${katana[0].object.id}`);
    expect(typeof katana[0].object.id).toBe('number');
    const flow = await receiver();
    expect((await runCli(['scenario', 'tracktile-inventory-flow', '--to', flow.url])).code).toBe(0);
    const tt = bodies(flow);
    expect(new Set(tt.map((e) => e.flowId)).size).toBe(1);
    const batch = tt[0].entity.id;
    expect(tt[2].entityId).toBe(batch);
    expect(tt[4].sourceEntityIds).toContain(batch);
    expect(tt[5].entityId).toBe(tt[4].mergedEntity.id);
  });

  it('runs a scenario file of the user, and explains what is wrong with a bad one', async () => {
    const cwd = tempDir();
    const target = await receiver();
    writeJson(path.join(cwd, 'mine.json'), {
      name: 'mine',
      description: 'two events on one order',
      vars: { order: '{{int:10:99}}' },
      steps: [
        { event: 'sales_order.created', set: { 'object.id': '{{order}}' } },
        { event: 'sales_order.deleted', set: { 'object.id': '{{order}}' } },
      ],
    });
    expect((await runCli(['scenario', 'mine.json', '--to', target.url], { cwd })).code).toBe(0);
    expect(bodies(target).map((e) => e.object.id)[0]).toBe(bodies(target)[1].object.id);
    writeJson(path.join(cwd, 'bad.json'), {
      name: 'bad',
      description: 'x',
      steps: [{ event: 'work_order.craeted' }],
    });
    const bad = await runCli(['scenario', 'bad.json'], { cwd });
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/bad\.json: "steps\.0": unknown event "work_order.craeted"/);
    expect(bad.stderr).toMatch(/did you mean work_order\.created/);
    writeJson(path.join(cwd, 'worse.json'), { name: 'Worse!', description: 'x', steps: [] });
    expect((await runCli(['scenario', 'worse.json'], { cwd })).stderr).toMatch(/"name": must be lowercase/);
    const unknown = await runCli(['scenario', 'work-order-lifecyle'], { cwd });
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toMatch(/did you mean work-order-lifecycle/);
  });
});

describe('the config file', () => {
  it('routes quality events to a second port, the rest to the default target', async () => {
    const main = await receiver();
    const qa = await receiver();
    const cwd = tempDir();
    writeJson(path.join(cwd, 'mes-webhooks.config.json'), { to: main.url, routes: { 'quality.*': qa.url } });
    expect((await runCli(['scenario', 'work-order-lifecycle'], { cwd })).code).toBe(0);
    expect(bodies(qa).map((e) => e.type)).toEqual(['quality.inspection_complete']);
    expect(bodies(main)).toHaveLength(7);
    expect((await runCli(['send', 'quality.ncr_created', 'work_order.created'], { cwd })).code).toBe(0);
    expect(bodies(qa).at(-1).type).toBe('quality.ncr_created');
    expect(bodies(main).at(-1).type).toBe('work_order.created');
  });

  it('declares a Standard-Webhooks-style provider whose events the official standardwebhooks library verifies', async () => {
    const cwd = tempDir();
    const secret = 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw';
    mkdirSync(path.join(cwd, 'my-fixtures', 'acme'), { recursive: true });
    writeJson(path.join(cwd, 'my-fixtures', 'acme', 'batch.released.json'), {
      event: 'batch.released',
      description: 'A batch passed QA and was released',
      payload: { type: 'batch.released', id: 'x', createdAt: 'x', data: { batch: 'B-1' } },
    });
    writeJson(path.join(cwd, 'mes-webhooks.config.json'), {
      fixtures: ['./my-fixtures'],
      schemes: {
        'acme-standard': {
          signatureHeader: 'webhook-signature',
          signedContent: 'id.timestamp.body',
          encoding: 'base64',
          prefix: 'v1,',
          separator: ' ',
          idHeader: 'webhook-id',
          timestampHeader: 'webhook-timestamp',
          secretEncoding: 'base64',
          tolerance: '5m',
        },
      },
      providers: {
        acme: {
          name: 'Acme MES',
          scheme: 'acme-standard',
          eventField: 'type',
          idField: 'id',
          timestampField: 'createdAt',
          secretEnv: 'ACME_SECRET',
        },
      },
    });
    const wh = new Webhook(secret);
    const verified: unknown[] = [];
    const target = await receiver((req) => {
      try {
        verified.push(wh.verify(req.body.toString(), req.headers as Record<string, string>));
        return { status: 200 };
      } catch {
        return { status: 401 };
      }
    });
    const events = await runCli(['events', '--provider', 'acme', '--json'], { cwd });
    expect(JSON.parse(events.stdout)).toEqual([
      {
        name: 'batch.released',
        provider: 'acme',
        description: 'A batch passed QA and was released',
        source: path.join(cwd, 'my-fixtures', 'acme', 'batch.released.json'),
        overrides: false,
      },
    ]);
    const res = await runCli(['send', 'batch.released', '--to', target.url], {
      cwd,
      env: { ACME_SECRET: secret },
    });
    expect(res.code).toBe(0);
    expect(verified).toHaveLength(1);
    expect(verified[0]).toMatchObject({ type: 'batch.released', data: { batch: 'B-1' } });
    const listener = startCli(['listen', '--port', '0', '--json', '--no-log'], {
      cwd,
      env: { ACME_SECRET: secret, MES_WEBHOOKS_SECRET: secret },
    });
    later(() => listener.stop());
    const [, url] = await listener.waitFor(/Listening on (\S+)/);
    await runCli(['send', 'batch.released', '--to', url!], { cwd, env: { ACME_SECRET: secret } });
    const [line] = await listener.waitFor(/\{"v":1,"deliveryId".*\}/);
    expect(JSON.parse(line)).toMatchObject({
      provider: 'acme',
      event: 'batch.released',
      signature: { verdict: 'valid' },
    });
  });

  it('points at the bad key, and never stores a secret', async () => {
    const cwd = tempDir();
    writeJson(path.join(cwd, 'mes-webhooks.config.json'), { routes: { 'quality.*': 'not a url' } });
    const res = await runCli(['send', 'work_order.created'], { cwd });
    expect(res.code).toBe(2);
    expect(res.stderr).toMatch(/mes-webhooks\.config\.json: "routes\.quality\.\*": must be an http\(s\) URL/);
    writeJson(path.join(cwd, 'mes-webhooks.config.json'), {
      schemes: { mine: { signatureHeader: 'x-sig', signedContent: 'timestamp.body' } },
    });
    expect((await runCli(['events'], { cwd })).stderr).toMatch(/"schemes\.mine\.timestampHeader": is needed/);
    writeJson(path.join(cwd, 'mes-webhooks.config.json'), { secret: 'plain-text' });
    expect((await runCli(['events'], { cwd })).stderr).toMatch(
      /"secret": is not a key the config file takes; did you mean "secretEnv"\?/,
    );
    writeJson(path.join(cwd, 'mes-webhooks.config.json'), {
      providers: { acme: { scheme: 'nope', eventField: 'type' } },
    });
    expect((await runCli(['events'], { cwd })).stderr).toMatch(/"providers\.acme\.scheme": no scheme "nope"/);
  });

  it('init writes a config from flags off a terminal, and will not overwrite one', async () => {
    const cwd = tempDir();
    const res = await runCli(
      [
        'init',
        '--to',
        'http://localhost:3000/hooks',
        '--provider',
        'katana',
        '--secret-env',
        'KATANA_TOKEN',
        '--route',
        'quality.*=http://localhost:3001/qa',
      ],
      { cwd },
    );
    expect(res.code).toBe(0);
    expect(JSON.parse(readFileSync(path.join(cwd, 'mes-webhooks.config.json'), 'utf8'))).toEqual({
      to: 'http://localhost:3000/hooks',
      provider: 'katana',
      secretEnv: 'KATANA_TOKEN',
      routes: { 'quality.*': 'http://localhost:3001/qa' },
    });
    expect((await runCli(['init'], { cwd })).code).toBe(2);
    expect((await runCli(['init', '--force', '--provider', 'sap'], { cwd })).stderr).toMatch(
      /provider: must be one of/,
    );
  });
});

describe('a declared provider in retry and replay', () => {
  it('plays its own schedule and signs every attempt with its own secret', async () => {
    const cwd = tempDir();
    mkdirSync(path.join(cwd, 'fx', 'acme'), { recursive: true });
    writeJson(path.join(cwd, 'fx', 'acme', 'batch.released.json'), {
      event: 'batch.released',
      description: 'A batch was released',
      payload: { type: 'batch.released', id: 'x', data: {} },
    });
    writeJson(path.join(cwd, 'mes-webhooks.config.json'), {
      fixtures: ['./fx'],
      providers: {
        acme: {
          scheme: 'mes',
          eventField: 'type',
          idField: 'id',
          schedule: '0,1s,2s',
          secretEnv: 'ACME_SECRET',
        },
      },
    });
    let calls = 0;
    const target = await receiver((req) => ({
      status:
        ++calls < 3
          ? 503
          : verify('mes', {
                secret: 'acme-only',
                body: req.body,
                headers: req.headers as Record<string, string>,
                now: 0,
              }).ok
            ? 200
            : 401,
    }));
    const env = { ACME_SECRET: 'acme-only' };
    const res = await runCli(['retry', 'batch.released', '--to', target.url, '--speed', '1000'], {
      cwd,
      env,
    });
    expect(res.code).toBe(0);
    expect(res.stdout).toMatch(/Delivered on attempt 3 of 3/);
    const replayed = await runCli(['replay', '--last', '1', '--resign'], { cwd, env });
    expect(replayed.code).toBe(0);
  });
});

describe('--timestamp-offset', () => {
  it('signs with a skewed clock so a receiver can be seen rejecting stale and future timestamps', async () => {
    const secret = 'tt-skew';
    const target = await receiver(acceptsFreshTracktile(secret));
    const env = { MES_WEBHOOKS_SECRET: secret };
    expect((await runCli(['send', 'inventory.received', '--to', target.url], { env })).code).toBe(0);
    expect(
      (
        await runCli(['send', 'inventory.received', '--to', target.url, '--timestamp-offset', '-10m'], {
          env,
        })
      ).code,
    ).toBe(1);
    expect(
      (await runCli(['send', 'inventory.received', '--to', target.url, '--timestamp-offset', '+6m'], { env }))
        .code,
    ).toBe(1);
    expect(
      (await runCli(['send', 'inventory.received', '--to', target.url, '--timestamp-offset', '+2m'], { env }))
        .code,
    ).toBe(0);
    const stale = JSON.parse(target.received[1]!.body.toString());
    expect(Date.parse(stale.time)).toBeLessThan(Date.now() - 9 * 60_000);
    expect((await runCli(['send', 'inventory.received', '--timestamp-offset', 'soon'])).stderr).toMatch(
      /--timestamp-offset: must be a duration/,
    );
    const skewed = await runCli(
      ['scenario', 'tracktile-inventory-flow', '--to', target.url, '--timestamp-offset', '-10m'],
      { env },
    );
    expect(skewed.code).toBe(1);
  });
});
