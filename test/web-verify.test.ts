import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { events } from '../src/library.js';
import { SCHEME_IDS, SCHEMES, sign } from '../src/core/schemes/index.js';
import { TAMPERS, buildDelivery, type SentDelivery } from '../src/testing/index.js';
import { verifyWebhook, withWebhook } from '../src/web.js';

const secret = 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw';
const request = (d: Pick<SentDelivery, 'body' | 'headers'>, init: RequestInit = {}) =>
  new Request('http://localhost/webhooks', { method: 'POST', headers: d.headers, body: d.body, ...init });

describe('verifyWebhook', () => {
  it('accepts all 81 events in all five schemes, and refuses every tampered copy with 401', async () => {
    expect(events).toHaveLength(81);
    let accepted = 0;
    let refused = 0;
    for (const scheme of SCHEME_IDS) {
      // A timestamp tamper only where the scheme signs one and its document limits that direction
      // (Betterez's sets no limit on future timestamps).
      const rule = SCHEMES[scheme].timestampRule;
      const tampers = TAMPERS.filter(
        (t) =>
          !t.startsWith('timestamp-') ||
          (SCHEMES[scheme].toleranceSec !== null &&
            (t === 'timestamp-stale' ? rule?.stale : rule?.future) !== 'none'),
      );
      for (const { name, provider } of events) {
        const sent = buildDelivery(name, { provider, scheme, secret });
        const result = await verifyWebhook(request(sent), { scheme, secret });
        expect(result).toMatchObject({
          ok: true,
          provider,
          event: name,
          eventId: sent.eventId,
          payload: sent.payload,
        });
        if (result.ok) expect(Buffer.from(result.rawBody).toString()).toBe(sent.body);
        accepted++;
        for (const tamper of tampers) {
          const bad = await verifyWebhook(
            request(buildDelivery(name, { provider, scheme, secret, tamper })),
            {
              scheme,
              secret,
            },
          );
          expect([scheme, name, tamper, bad.ok && 'accepted', !bad.ok && bad.status]).toEqual([
            scheme,
            name,
            tamper,
            false,
            401,
          ]);
          refused++;
        }
      }
    }
    expect([accepted, refused]).toEqual([405, 81 * 3 * 2 + 81 * 5 * 3 - 81]);
  });

  it('takes the scheme from the provider, and the clock and tolerance from the options', async () => {
    const at = new Date('2026-01-01T00:00:00Z');
    const sent = buildDelivery('inventory.received', { secret, now: at });
    const later = () => new Date(at.getTime() + 400_000);
    expect(await verifyWebhook(request(sent), { provider: 'tracktile', secret, now: later })).toMatchObject({
      ok: false,
      status: 401,
      reason: expect.stringMatching(/400 s old, over the 300 s tolerance/),
    });
    expect(
      await verifyWebhook(request(sent), { provider: 'tracktile', secret, now: later, toleranceSec: 600 }),
    ).toMatchObject({ ok: true, event: 'inventory.received' });
    expect(
      await verifyWebhook(request(sent), { provider: 'tracktile', secret, now: () => at.getTime() }),
    ).toMatchObject({
      ok: true,
    });
  });

  it('refuses oversized bodies with 413, by their declared length or as they stream', async () => {
    const big = buildDelivery('work_order.created', {
      secret,
      data: { padding: 'x'.repeat(2 * 1024 * 1024) },
    });
    expect(await verifyWebhook(request(big), { secret })).toMatchObject({ ok: false, status: 413 });
    const stream = new ReadableStream({
      pull(controller) {
        controller.enqueue(new Uint8Array(64 * 1024));
      },
    });
    const endless = new Request('http://localhost/', {
      method: 'POST',
      body: stream,
      duplex: 'half',
    } as RequestInit);
    expect(await verifyWebhook(endless, { secret, maxBodyBytes: 100_000 })).toMatchObject({
      ok: false,
      status: 413,
    });
  });

  it('answers hostile and mistaken requests with a status, never an exception', async () => {
    const sent = buildDelivery('work_order.created', { secret });
    const cases: [Request, WebVerifyStatus][] = [
      [new Request('http://localhost/', { method: 'GET' }), 405],
      [request({ body: 'not json', headers: sent.headers }), 401],
      [request({ body: '', headers: {} }), 401],
      [request(sent, { headers: { 'x-mes-signature': '\u00ff'.repeat(8000) } }), 401],
      [
        new Request('http://localhost/', {
          method: 'POST',
          body: new ReadableStream({ pull: (c) => c.error(new Error('socket hang up')) }),
          duplex: 'half',
        } as RequestInit),
        400,
      ],
    ];
    for (const [req, status] of cases)
      expect(await verifyWebhook(req, { secret })).toMatchObject({ ok: false, status });
    const used = request(sent);
    await used.text();
    expect(await verifyWebhook(used, { secret })).toMatchObject({ ok: false, status: 500 });
    expect(await verifyWebhook(request(sent), { secret, provider: 'nope' })).toMatchObject({
      ok: false,
      status: 500,
    });
    const misconfigured = { secret: undefined as unknown as string };
    expect(await verifyWebhook(request(sent), misconfigured)).toMatchObject({ ok: false });
    expect(await verifyWebhook(undefined as unknown as Request, { secret })).toMatchObject({
      ok: false,
      status: 500,
    });
    await fc.assert(
      fc.asyncProperty(
        fc.uint8Array({ maxLength: 512 }),
        fc.string({ unit: fc.constantFrom(...'v1,a= Zz09+/_-t.'), maxLength: 200 }),
        async (body, signature) => {
          const result = await verifyWebhook(
            new Request('http://localhost/', {
              method: 'POST',
              body,
              headers: { 'webhook-signature': signature },
            }),
            { scheme: 'standard', secret },
          );
          expect(result.ok).toBe(false);
        },
      ),
      { numRuns: 200 },
    );
  });

  it('refuses a signed body that is not a JSON object with 400', async () => {
    for (const body of ['not json', '[1,2]', '\u00ff\u00fe']) {
      const signed = buildDelivery('work_order.created', { secret });
      const headers = { ...signed.headers, ...sign('mes', { secret, body, timestamp: 0, messageId: 'm' }) };
      expect(await verifyWebhook(request({ body, headers }), { secret })).toMatchObject({
        ok: false,
        status: 400,
      });
    }
  });
});

type WebVerifyStatus = 400 | 401 | 405 | 413 | 500;

describe('withWebhook', () => {
  it('hands the handler verified webhooks only and answers refusals itself', async () => {
    const seen: string[] = [];
    const handler = withWebhook({ provider: 'mes', secret, maxBodyBytes: 10_000 }, async (webhook) => {
      seen.push(webhook.event!);
      return new Response(null, { status: 204 });
    });
    expect((await handler(request(buildDelivery('work_order.created', { secret })))).status).toBe(204);
    const tampered = await handler(request(buildDelivery('work_order.created', { secret, tamper: 'body' })));
    expect([tampered.status, await tampered.json()]).toEqual([
      401,
      { error: expect.stringMatching(/^invalid signature/) },
    ]);
    const big = await handler(
      request(buildDelivery('work_order.created', { secret, set: { pad: 'x'.repeat(20_000) } })),
    );
    expect(big.status).toBe(413);
    expect(seen).toEqual(['work_order.created']);
  });
});
