// The testing kit from node:test, Node's built-in runner: `node --test examples/node-test/`.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { checkReceiver, createFakeClock, deliver, failures, simulateRetries } from 'mes-webhooks/testing';
import { createExpressApp } from '../receivers/express.mjs';
import { createFastifyApp } from '../receivers/fastify.mjs';
import { createHonoApp } from '../receivers/hono.mjs';
import { createRouteHandler } from '../receivers/route-handler.mjs';

const secret = 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw';

// One row per receiver: how to make it, where it listens, and which platform it expects.
const receivers = [
  {
    name: 'Express',
    make: createExpressApp,
    path: '/webhooks/mes',
    provider: 'mes',
    event: 'work_order.created',
  },
  {
    name: 'Fastify',
    make: createFastifyApp,
    path: '/webhooks/tracktile',
    provider: 'tracktile',
    event: 'inventory.received',
  },
  {
    name: 'Hono',
    make: createHonoApp,
    path: '/webhooks',
    provider: 'katana',
    scheme: 'standard',
    event: 'sales_order.created',
  },
  {
    name: 'route handler',
    make: createRouteHandler,
    path: '/',
    provider: 'mes',
    event: 'work_order.completed',
  },
];

for (const r of receivers) {
  describe(r.name, () => {
    const options = { provider: r.provider, scheme: r.scheme, secret, path: r.path };

    test('accepts a signed event and sees its payload', async () => {
      const seen = [];
      const app = r.make({ secret, onEvent: (webhook) => seen.push(webhook) });
      const res = await deliver(app, r.event, { ...options, set: { 'data.note': 'from node:test' } });
      assert.equal(res.status, 200, res.body);
      assert.equal(seen.length, 1);
    });

    test('refuses a body changed after signing, and a wrong secret, with 401', async () => {
      const app = r.make({ secret });
      for (const tamper of ['body', 'secret']) {
        const res = await deliver(app, r.event, { ...options, tamper });
        assert.equal(res.status, 401, `${tamper}: ${res.body}`);
      }
    });

    test("passes verify's checks", async () => {
      const results = await checkReceiver(r.make({ secret }), options);
      assert.deepEqual(failures(results), []);
    });
  });
}

test('the whole MES retry schedule against a receiver that is down for an hour', async () => {
  const clock = createFakeClock(new Date('2026-03-01T08:00:00Z'));
  const downUntil = clock.now() + 60 * 60 * 1000;
  const handler = createRouteHandler({ secret, now: () => clock.date() });
  const target = (request) =>
    clock.now() < downUntil ? new Response('maintenance', { status: 503 }) : handler(request);
  const attempts = await simulateRetries(target, 'work_order.created', { secret, clock });
  assert.deepEqual(
    attempts.map((a) => a.status),
    [503, 503, 503, 503, 503, 200],
  );
  // Each retry is re-signed at its own time, so the receiver's timestamp checks see the retry's time.
  assert.equal(attempts.at(-1).at.toISOString(), '2026-03-02T08:35:35.000Z');
});
