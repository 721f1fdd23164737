// The testing kit from vitest: `npx vitest run examples/vitest`.
import { createFakeClock, checkReceiver, deliver, failures, simulateRetries } from 'mes-webhooks/testing';
import { describe, expect, it } from 'vitest';
import { createExpressApp } from '../receivers/express.mjs';
import { createFastifyApp } from '../receivers/fastify.mjs';
import { createHonoApp } from '../receivers/hono.mjs';
import { createRouteHandler } from '../receivers/route-handler.mjs';

const secret = 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw';

describe('an Express receiver', () => {
  const app = createExpressApp({ secret });

  it('accepts a signed work_order.created with the quantity set', async () => {
    const seen: unknown[] = [];
    const res = await deliver(
      createExpressApp({ secret, onEvent: (w) => seen.push(w.payload) }),
      'work_order.created',
      {
        secret,
        path: '/webhooks/mes',
        set: { 'data.workOrder.quantity': 250 },
      },
    );
    expect(res.status).toBe(200);
    expect(JSON.parse(res.body)).toEqual({ received: res.delivery.eventId });
    expect(seen).toMatchObject([{ data: { workOrder: { quantity: 250 } } }]);
  });

  it.each(['body', 'signature', 'secret'] as const)(
    'refuses a delivery with a tampered %s',
    async (tamper) => {
      const res = await deliver(app, 'work_order.created', { secret, path: '/webhooks/mes', tamper });
      expect(res.status).toBe(401);
    },
  );

  it("passes verify's checks", async () => {
    expect(failures(await checkReceiver(app, { provider: 'mes', secret, path: '/webhooks/mes' }))).toEqual(
      [],
    );
  });
});

describe('a Fastify receiver (Tracktile)', () => {
  it('refuses stale and future timestamps', async () => {
    const app = createFastifyApp({ secret });
    for (const tamper of ['timestamp-stale', 'timestamp-future'] as const) {
      const res = await deliver(app, 'inventory.received', { secret, path: '/webhooks/tracktile', tamper });
      expect(res.status).toBe(401);
    }
  });

  it("passes verify's checks, timestamps, rotation and processing once included", async () => {
    // The receiver's own record of what it processed: checkReceiver sends one event four times and
    // asks how often it was processed.
    const processed: string[] = [];
    const app = createFastifyApp({
      secret,
      onEvent: (payload) => processed.push((payload as { id: string }).id),
    });
    const results = await checkReceiver(app, {
      provider: 'tracktile',
      secret,
      path: '/webhooks/tracktile',
      processedCount: (eventId) => processed.filter((id) => id === eventId).length,
    });
    expect(failures(results)).toEqual([]);
    expect(results.filter((r) => r.status === 'skip')).toEqual([]);
  });
});

describe('a Hono receiver (Standard Webhooks)', () => {
  it("passes verify's checks", async () => {
    const results = await checkReceiver(createHonoApp({ secret }), {
      provider: 'katana',
      scheme: 'standard',
      secret,
      path: '/webhooks',
    });
    expect(failures(results)).toEqual([]);
  });
});

describe('a Next.js-style route handler', () => {
  it('answers the whole MES retry schedule, 35 minutes and 7 days of it, in milliseconds', async () => {
    const clock = createFakeClock();
    const handler = createRouteHandler({ secret, now: () => clock.date() });
    let calls = 0;
    const failingThrice = (request: Request) =>
      ++calls <= 3 ? new Response(null, { status: 503 }) : handler(request);
    const attempts = await simulateRetries(failingThrice, 'work_order.created', { secret, clock });
    expect(attempts.map((a) => [a.offsetMs / 1000, a.status])).toEqual([
      [0, 503],
      [5, 503],
      [35, 503],
      [335, 200],
    ]);
  });
});
