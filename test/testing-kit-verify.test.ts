import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { logRecord } from '../src/core/delivery-json.js';
import type { DeliveryRecord } from '../src/core/delivery.js';
import { readDeliveries } from '../src/io/log.js';
import { deliveryJsonSchema } from '../src/pipeline/schema.js';
import { NEEDS_ACCEPTED } from '../src/core/verify/index.js';
import { checkReceiver, deliver } from '../src/testing/index.js';
import { verifyWebhook, withWebhook } from '../src/web.js';
import { tempDir } from './helpers/cli.js';
import { freePort } from './helpers/receiver.js';

const secret = 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw';
const otherSecret = 'whsec_AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA';

/** A receiver that verifies with `secret` and counts what it processes, once per event id or every copy. */
function countingReceiver(options: { secret: string; dedupe: boolean }) {
  const processed: string[] = [];
  const handler = withWebhook({ provider: 'mes', secret: options.secret }, async (webhook) => {
    const id = webhook.eventId!;
    if (!options.dedupe || !processed.includes(id)) processed.push(id);
    return new Response(null, { status: 204 });
  });
  return { handler, count: (id: string) => processed.filter((p) => p === id).length };
}

describe('checkReceiver runs as verify does', () => {
  it('blames the secret when a correct delivery is refused, and skips the checks that need one accepted', async () => {
    const { handler } = countingReceiver({ secret: otherSecret, dedupe: true });
    const results = await checkReceiver(handler, { secret });
    const valid = results.find((r) => r.id === 'signature.valid')!;
    expect(valid.status).toBe('fail');
    expect(valid.message).toMatch(/correctly signed deliveries get 401: the secret is the likely cause/);
    expect(valid.hint).toMatch(/signed with the given secret; pass the receiver's secret/);
    const skipped = results.filter((r) => r.status === 'skip').map((r) => r.id);
    expect(skipped.sort()).toEqual([...NEEDS_ACCEPTED].sort());
    expect(results.filter((r) => r.status === 'fail').map((r) => r.id)).toEqual(['signature.valid']);
  });

  it('runs idempotency.processed-once with the receiver’s own count', async () => {
    const once = countingReceiver({ secret, dedupe: true });
    const every = countingReceiver({ secret, dedupe: false });
    const only = ['idempotency.processed-once'];
    const [passed] = await checkReceiver(once.handler, { secret, only, processedCount: once.count });
    expect([passed!.status, passed!.summary]).toEqual(['pass', expect.stringMatching(/processed once$/)]);
    const [failed] = await checkReceiver(every.handler, { secret, only, processedCount: every.count });
    expect([failed!.status, failed!.summary]).toEqual(['fail', expect.stringMatching(/processed 4 times$/)]);
    const [skipped] = await checkReceiver(once.handler, { secret, only });
    expect(skipped!.status).toBe('skip');
  });
});

describe("the kit's delivery log", () => {
  it('writes the log sink’s record shape, which the log readers read back', async () => {
    const file = path.join(tempDir(), 'log.jsonl');
    const handler = withWebhook({ provider: 'mes', secret }, async () => Response.json({ ok: true }));
    await deliver(handler, 'work_order.created', { secret, log: file, path: '/hooks' });
    const port = await freePort();
    const refused = await deliver(`http://127.0.0.1:${port}/hooks`, 'work_order.created', {
      secret,
      log: file,
    });
    expect(refused.status).toBeNull();
    const records: DeliveryRecord[] = [];
    for await (const record of readDeliveries(file)) records.push(record);
    expect(records).toHaveLength(2);
    const lines = readFileSync(file, 'utf8').trim().split('\n');
    for (const [i, line] of lines.entries()) {
      const parsed = JSON.parse(line);
      expect(deliveryJsonSchema.safeParse(parsed).success).toBe(true);
      expect(parsed).toEqual(JSON.parse(JSON.stringify(logRecord(records[i]!))));
    }
    expect(records[0]).toMatchObject({ url: 'http://localhost/hooks', status: 200, ok: true });
    expect(records[1]).toMatchObject({ status: null, ok: false, error: { code: 'ECONNREFUSED' } });
  });
});

describe('verifyWebhook takes Standard Webhooks as the rest of the tool does', () => {
  it('accepts svix-* headers and an unpadded whsec_ secret', async () => {
    const unpadded = 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSwMQ';
    const sent = await deliver(() => new Response(null, { status: 204 }), 'work_order.created', {
      scheme: 'standard',
      secret: unpadded,
    });
    const svix = Object.fromEntries(
      Object.entries(sent.delivery.headers).map(([name, value]) => [
        name.replace(/^webhook-/, 'svix-'),
        value,
      ]),
    );
    expect(Object.keys(svix)).toContain('svix-signature');
    const result = await verifyWebhook(
      new Request('http://localhost/', { method: 'POST', headers: svix, body: sent.delivery.body }),
      { scheme: 'standard', secret: unpadded },
    );
    expect(result).toMatchObject({ ok: true, event: 'work_order.created', eventId: sent.delivery.eventId });
    const forged = await verifyWebhook(
      new Request('http://localhost/', { method: 'POST', headers: svix, body: `${sent.delivery.body} ` }),
      { scheme: 'standard', secret: unpadded },
    );
    expect(forged).toMatchObject({ ok: false, status: 401 });
  });
});
