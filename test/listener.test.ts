import { request } from 'undici';
import { afterEach, describe, expect, it } from 'vitest';
import { buildEvent, deliveryHeaders } from '../src/core/build.js';
import { createCatalog } from '../src/core/catalog.js';
import type { DeliveryRecord } from '../src/core/delivery.js';
import { loadFixtures } from '../src/io/fixtures.js';
import { systemRuntime } from '../src/io/runtime.js';
import { createListener, type Listener } from '../src/server/listener.js';

const SECRET = 'whsec_bWVzLXdlYmhvb2tzLWRldi1zZWNyZXQh';
const catalog = createCatalog(await loadFixtures());
let listener: Listener | undefined;

async function start(options: { strict?: boolean; path?: string; maxBodyBytes?: number } = {}) {
  listener = createListener({
    host: '127.0.0.1',
    port: 0,
    secret: SECRET,
    strict: options.strict ?? false,
    path: options.path,
    maxBodyBytes: options.maxBodyBytes ?? 1024 * 1024,
    runtime: systemRuntime,
    token: 'test-token',
  });
  const seen: DeliveryRecord[] = [];
  listener.on('delivery', (r) => seen.push(r));
  const url = await listener.start();
  return { url, seen };
}

function signed(event: string, scheme?: 'standard', secret = SECRET) {
  const def = catalog.find(event);
  const now = new Date();
  const built = buildEvent(def, { fresh: { now, uuid: systemRuntime.uuid } });
  const headers = deliveryHeaders(built.body, {
    scheme: scheme ?? (def.provider as 'mes'),
    secret,
    now,
    messageId: built.eventId ?? 'msg_1',
    userAgent: 'test',
  });
  return { headers, body: built.body, eventId: built.eventId };
}

async function post(url: string, headers: Record<string, string>, body: string | Buffer) {
  const res = await request(url, { method: 'POST', headers, body });
  return { status: res.statusCode, json: (await res.body.json()) as Record<string, unknown> };
}

afterEach(async () => {
  await listener?.close();
  listener = undefined;
});

describe('the listener', () => {
  it('listens on 127.0.0.1 and reports a URL', async () => {
    const { url } = await start();
    expect(url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/$/);
  });

  it.each(['work_order.created', 'inventory.moved', 'operationmessage.updated', 'sales_order.packed'])(
    'detects the provider of %s and verifies its signature',
    async (event) => {
      const { url, seen } = await start();
      const { headers, body, eventId } = signed(event);
      const res = await post(url, headers, body);
      expect(res.status).toBe(200);
      expect(seen).toHaveLength(1);
      const [r] = seen;
      expect(r).toMatchObject({
        direction: 'received',
        event,
        eventId: eventId ?? null,
        signature: { verdict: 'valid' },
        status: 200,
      });
      expect(r!.request.body).toBe(body);
      expect(res.json.deliveryId).toBe(r!.deliveryId);
    },
  );

  it("verifies a Standard Webhooks signature on any provider's event", async () => {
    const { url, seen } = await start();
    const { headers, body } = signed('work_order.completed', 'standard');
    await post(url, headers, body);
    expect(seen[0]).toMatchObject({ provider: 'mes', scheme: 'standard', signature: { verdict: 'valid' } });
  });

  it('says invalid for a wrong secret and missing for no signature, answering 200 unless strict', async () => {
    const { url, seen } = await start();
    const wrong = signed('work_order.created', undefined, 'another-secret');
    expect((await post(url, wrong.headers, wrong.body)).status).toBe(200);
    const bare = signed('work_order.created');
    expect((await post(url, { 'content-type': 'application/json' }, bare.body)).status).toBe(200);
    expect(seen.map((r) => r.signature?.verdict)).toEqual(['invalid', 'missing']);
    const unknown = await post(
      url,
      { 'content-type': 'application/json; charset=utf-8' },
      '{"hello":"world"}',
    );
    expect(unknown.status).toBe(200);
    expect(seen[2]!.signature?.verdict).toBe('unchecked');
  });

  it('answers 401 to bad signatures with --strict', async () => {
    const { url } = await start({ strict: true });
    const wrong = signed('work_order.created', undefined, 'another-secret');
    const res = await post(url, wrong.headers, wrong.body);
    expect(res.status).toBe(401);
    expect(String(res.json.error)).toMatch(/invalid/);
    const good = signed('work_order.created');
    expect((await post(url, good.headers, good.body)).status).toBe(200);
  });

  it('answers 400 to bodies it cannot read, and records them', async () => {
    const { url, seen } = await start();
    const json = { 'content-type': 'application/json' };
    expect((await post(url, json, 'not json')).status).toBe(400);
    expect((await post(url, json, Buffer.from([0x7b, 0xff, 0x7d]))).status).toBe(400);
    expect((await post(url, json, '')).status).toBe(400);
    expect((await post(url, { 'content-type': 'application/x-www-form-urlencoded' }, 'a=1')).status).toBe(
      400,
    );
    expect((await post(url, {}, '{"a":1}')).status).toBe(400);
    expect(seen.map((r) => r.error?.message)).toEqual([
      'the body is not valid JSON',
      'the body is not valid UTF-8',
      'the body is empty',
      'content-type is application/x-www-form-urlencoded, not application/json',
      'no content-type header; webhooks are sent as application/json',
    ]);
    expect(seen[1]!.request.bodyEncoding).toBe('base64');
  });

  it('answers 413 to a body over the limit and keeps answering', async () => {
    const { url, seen } = await start({ maxBodyBytes: 1000 });
    const big = JSON.stringify({ pad: 'x'.repeat(5000) });
    expect((await post(url, { 'content-type': 'application/json' }, big)).status).toBe(413);
    const { headers, body } = signed('work_order.created');
    expect((await post(url, headers, body)).status).toBe(200);
    expect(seen).toHaveLength(1);
  });

  it('takes deliveries only on --path when one is set', async () => {
    const { url } = await start({ path: '/hooks/mes' });
    expect(url).toMatch(/\/hooks\/mes$/);
    const { headers, body } = signed('work_order.created');
    expect((await post(url, headers, body)).status).toBe(200);
    expect((await post(url.replace('/hooks/mes', '/other'), headers, body)).status).toBe(404);
  });
});
