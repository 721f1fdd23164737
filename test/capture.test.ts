import { createHmac, timingSafeEqual } from 'node:crypto';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli, startCli, tempDir } from './helpers/cli.js';
import { testScope } from './helpers/scope.js';

const { later, receiver } = testScope();

const SECRET = 'staging-secret-9f3a';
const env = { MES_WEBHOOKS_SECRET: SECRET };
const EMAIL = 'jane.doe@acme-staging.io';

/** The vendor's scheme, written here from the MES document: hex HMAC-SHA256 of the raw body. */
const sign = (body: string) => createHmac('sha256', SECRET).update(body).digest('hex');
const signedByVendor = (body: Buffer, header: unknown) =>
  typeof header === 'string' &&
  header.length === 64 &&
  timingSafeEqual(Buffer.from(header, 'hex'), createHmac('sha256', SECRET).update(body).digest());

/** A foreign sender's flow: its own id format, fields the vendor document does not list. */
function flow(): string[] {
  const base = (n: number, type: string, extra: Record<string, unknown>) => ({
    id: `ext_2025_${String(n).padStart(4, '0')}_a81f20c4`,
    type,
    timestamp: `2025-11-20T09:0${n}:00Z`,
    tenant: 'acme-staging',
    data: {
      workOrder: { id: 'WO-88213', orderNumber: 'WO-2025-0042', product: 'Widget B', quantity: 40, ...extra },
      customer: { email: EMAIL, name: 'Jane Doe' },
    },
  });
  return [
    base(1, 'work_order.created', { priority: 'high', dueDate: '2025-12-01T00:00:00Z' }),
    base(2, 'work_order.started', { startedAt: '2025-11-20T09:02:00Z' }),
    base(3, 'work_order.completed', { completedAt: '2025-11-20T09:03:00Z', completedQuantity: 40 }),
  ].map((p) => JSON.stringify(p));
}

async function post(url: string, body: string, headers: Record<string, string>): Promise<number> {
  const res = await fetch(url, { method: 'POST', body, headers });
  await res.text();
  return res.status;
}

async function recordFlow(cwd: string): Promise<void> {
  const listener = startCli(['listen', '--port', '0'], { cwd, env });
  later(() => listener.stop());
  const url = (await listener.waitFor(/Listening on (http:\/\/\S+)/))[1]!;
  for (const body of flow())
    expect(await post(url, body, { 'content-type': 'application/json', 'x-mes-signature': sign(body) })).toBe(
      200,
    );
  expect(await post(url, 'plain text, not JSON', { 'content-type': 'text/plain' })).toBe(400);
  await listener.stop();
}

const logged = (cwd: string) =>
  readFileSync(path.join(cwd, '.mes-webhooks', 'deliveries.jsonl'), 'utf8')
    .trim()
    .split('\n')
    .map((l) => JSON.parse(l) as { deliveryId: string; direction: string; event: string | null });

describe('capture: real deliveries become fixtures and scenarios', () => {
  it('records a foreign flow, captures it redacted, and replays it to a verifying receiver', async () => {
    const cwd = tempDir();
    await recordFlow(cwd);
    const flowIds = logged(cwd)
      .filter((r) => r.event !== null)
      .map((r) => r.deliveryId);
    expect(flowIds).toHaveLength(3);

    const captured = await runCli([...['capture', ...flowIds, '--redact', '/data/customer/name', '--json']], {
      cwd,
      env,
    });
    expect(captured.stderr).toBe('');
    expect(captured.code).toBe(0);
    const report = JSON.parse(captured.stdout);
    const folder = path.join(cwd, 'webhook-fixtures');
    expect(report.written.map((w: { file: string }) => w.file)).toEqual(
      ['created', 'started', 'completed'].map((e) => path.join(folder, 'mes', `work_order.${e}.json`)),
    );
    expect(JSON.parse(readFileSync(path.join(cwd, 'mes-webhooks.config.json'), 'utf8'))).toEqual({
      fixtures: ['./webhook-fixtures'],
    });
    const created = JSON.parse(readFileSync(path.join(folder, 'mes', 'work_order.created.json'), 'utf8'));
    const started = JSON.parse(readFileSync(path.join(folder, 'mes', 'work_order.started.json'), 'utf8'));
    expect(created.fresh).toEqual(['/id', '/timestamp']);
    expect(created.payload.tenant).toBe('acme-staging');
    expect(created.payload.data.workOrder.priority).toBe('high');
    const text = JSON.stringify([created, started]);
    expect(text).not.toContain(EMAIL);
    expect(text).not.toContain('Jane Doe');
    expect(created.payload.data.customer.email).toMatch(/^[a-z]+\.\d+@example\.com$/);
    // The same input gives the same fake, so the customer still links the events.
    expect(started.payload.data.customer.email).toBe(created.payload.data.customer.email);

    // The drift report names the fields the vendor document does not list.
    const drift = report.deliveries[0].drift;
    expect(drift.added).toEqual(
      expect.arrayContaining(['/tenant', '/data/customer', '/data/workOrder/priority']),
    );
    expect(report.deliveries[0].redacted).toEqual(
      expect.arrayContaining([
        { pointer: '/data/customer/email', kind: 'email', reason: 'default' },
        { pointer: '/data/customer/name', kind: 'text', reason: 'asked' },
      ]),
    );

    // events says the captured fixture is the one used.
    const events = JSON.parse((await runCli(['events', '--provider', 'mes', '--json'], { cwd, env })).stdout);
    expect(events.find((e: { name: string }) => e.name === 'work_order.created')).toMatchObject({
      source: path.join(folder, 'mes', 'work_order.created.json'),
      overrides: true,
    });

    const scenario = await runCli(['capture', ...flowIds, '--scenario', 'staging-flow', '--keep-gaps'], {
      cwd,
      env,
    });
    expect(scenario.code).toBe(0);
    expect(scenario.stdout).toMatch(/\+ \/tenant {2}\(not in the schema\)/);
    const file = JSON.parse(readFileSync(path.join(cwd, 'webhook-scenarios', 'staging-flow.json'), 'utf8'));
    expect(file.vars).toEqual({ workOrderId: 'WO-{{int:10000:99999}}' });
    expect(file.steps.map((s: { event: string }) => s.event)).toEqual([
      'work_order.created',
      'work_order.started',
      'work_order.completed',
    ]);
    expect(file.steps[0].set['data.workOrder.id']).toBeUndefined();
    expect(file.steps[0].set.data.workOrder.id).toBe('{{workOrderId}}');
    expect(file.steps[1].after).toMatch(/^\d+(ms|s)$/);

    const app = await receiver((req) => ({
      status: signedByVendor(req.body, req.headers['x-mes-signature']) ? 200 : 401,
    }));
    const sent = await runCli(['send', 'work_order.created', '--to', app.url], { cwd, env });
    expect(sent.code).toBe(0);
    const one = JSON.parse(app.received[0]!.body.toString());
    expect(one.tenant).toBe('acme-staging');
    expect(one.id).not.toBe(created.payload.id);
    expect(one.data.customer.email).toBe(created.payload.data.customer.email);

    const replayed = await runCli(['scenario', 'staging-flow', '--to', app.url], { cwd, env });
    expect(replayed.stderr).toMatch(/staging-flow: 3 steps/);
    expect(replayed.code).toBe(0);
    const steps = app.received.slice(1).map((r) => JSON.parse(r.body.toString()));
    expect(steps.map((s) => s.type)).toEqual([
      'work_order.created',
      'work_order.started',
      'work_order.completed',
    ]);
    const workOrder = steps[0].data.workOrder.id;
    expect(workOrder).toMatch(/^WO-\d{5}$/);
    expect(steps.every((s) => s.data.workOrder.id === workOrder)).toBe(true);
    expect(steps[2].data.workOrder.completedQuantity).toBe(40);
  });

  it('refuses what it cannot capture, with the right exit code, and overwrites nothing without --force', async () => {
    const cwd = tempDir();
    await recordFlow(cwd);
    const records = logged(cwd);
    const plain = records.find((r) => r.event === null)!.deliveryId;

    const missing = await runCli(['capture', 'dlv_nope'], { cwd, env });
    expect(missing.code).toBe(2);
    expect(missing.stderr).toMatch(/not in the delivery log: dlv_nope/);

    const notJson = await runCli(['capture', plain], { cwd, env });
    expect(notJson.code).toBe(1);
    expect(notJson.stderr).toMatch(/the body is not JSON/);

    const badPointer = await runCli(['capture', '--redact', 'data/email'], { cwd, env });
    expect(badPointer.code).toBe(2);

    expect(
      (await runCli(['capture', '--last', '1', '--event', 'work_order.created'], { cwd, env })).code,
    ).toBe(0);
    const fixture = path.join(cwd, 'webhook-fixtures', 'mes', 'work_order.created.json');
    writeFileSync(fixture, readFileSync(fixture, 'utf8').replace('Widget B', 'Widget Edited'));
    const again = await runCli(['capture', '--event', 'work_order.created'], { cwd, env });
    expect(again.code).toBe(1);
    expect(again.stderr).toMatch(/already there, not overwritten/);
    expect(readFileSync(fixture, 'utf8')).toContain('Widget Edited');
    expect((await runCli(['capture', '--event', 'work_order.created', '--force'], { cwd, env })).code).toBe(
      0,
    );
    expect(readFileSync(fixture, 'utf8')).toContain('Widget B');

    // A delivery this tool sent is not a capture source.
    expect(
      (await runCli(['send', 'work_order.created', '--to', 'http://127.0.0.1:9/'], { cwd, env })).code,
    ).toBe(1);
    const sentId = logged(cwd).find((r) => r.direction === 'sent')!.deliveryId;
    const sent = await runCli(['capture', sentId], { cwd, env });
    expect(sent.code).toBe(2);
    expect(sent.stderr).toMatch(/sent by this tool, not received/);

    // A fixture folder that cannot take the files: its provider folder is a plain file.
    const blocked = tempDir();
    await recordFlow(blocked);
    mkdirSync(path.join(blocked, 'fx'));
    writeFileSync(path.join(blocked, 'fx', 'mes'), 'a file, not a folder');
    writeFileSync(path.join(blocked, 'mes-webhooks.config.json'), JSON.stringify({ fixtures: ['./fx'] }));
    const unwritable = await runCli(['capture', '--event', 'work_order.*', '--last', '3'], {
      cwd: blocked,
      env,
    });
    expect(unwritable.code).toBe(1);
    expect(unwritable.stderr).toMatch(/cannot write to .*fx.mes/);
  });
});
