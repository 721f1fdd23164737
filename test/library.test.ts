import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { readFileSync } from 'node:fs';
import express from 'express';
import { request } from 'undici';
import { afterEach, describe, expect, it } from 'vitest';
import {
  buildEvent,
  events,
  expressWebhook,
  sign,
  verify,
  webhookHandler,
  type VerifiedWebhook,
} from '../src/index.js';
import type { SchemeId } from '../src/core/schemes/index.js';
import { runCli } from './helpers/cli.js';

const servers: Server[] = [];
afterEach(async () => {
  await Promise.all(
    servers.splice(0).map(
      (s) =>
        new Promise((r) => {
          s.close(r);
          s.closeAllConnections();
        }),
    ),
  );
});
async function serve(server: Server): Promise<string> {
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}/hooks`;
}

describe('the library API', () => {
  it('lists 81 typed events and builds signed ones', () => {
    expect(events).toHaveLength(81);
    const built = buildEvent('work_order.completed', {
      set: { 'data.workOrder.completedQuantity': 42 },
      secret: 'k',
    });
    // Typed: the compiler knows this payload's shape.
    const quantity: number = built.payload.data.workOrder.completedQuantity;
    expect(quantity).toBe(42);
    expect(built.payload.type).toBe('work_order.completed');
    expect(verify('mes', { secret: 'k', body: built.body, headers: built.headers, now: 0 }).ok).toBe(true);
    const katana = buildEvent('sales_order.delivered', { scheme: 'standard' });
    expect(katana.headers['webhook-signature']).toMatch(/^v1,/);
  });

  it('webhookHandler verifies the raw body for node:http and answers 401 itself', async () => {
    const seen: VerifiedWebhook[] = [];
    const url = await serve(
      createServer(
        webhookHandler({ provider: 'tracktile', secret: 'tt' }, (webhook, _req, res) => {
          seen.push(webhook);
          res.writeHead(200).end('ok');
        }),
      ),
    );
    const good = await runCli(['send', 'inventory.moved', '--to', url, '--secret', 'tt']);
    expect(good.code).toBe(0);
    expect(seen[0]).toMatchObject({ provider: 'tracktile', event: 'inventory.moved' });
    const bad = await runCli(['send', 'inventory.moved', '--to', url, '--secret', 'other']);
    expect(bad.code).toBe(1);
    expect(bad.stdout).toMatch(/401.*invalid signature/);
    expect(seen).toHaveLength(1);
  });

  it('expressWebhook works before any JSON parser and after express.raw()', async () => {
    const app = express();
    const seen: string[] = [];
    app.post('/hooks', expressWebhook({ provider: 'mes', secret: 'ex' }), (req, res) => {
      seen.push((req as unknown as { webhook: VerifiedWebhook }).webhook.event ?? '');
      res.json({ ok: true });
    });
    app.post(
      '/raw',
      express.raw({ type: 'application/json' }),
      expressWebhook({ provider: 'katana', secret: 'ex' }),
      (_req, res) => {
        seen.push('raw');
        res.json({ ok: true });
      },
    );
    app.post('/parsed', express.json(), expressWebhook({ provider: 'mes', secret: 'ex' }), (_req, res) =>
      res.json({ ok: true }),
    );
    const url = await serve(createServer(app));
    const built = buildEvent('quality.ncr_created', { secret: 'ex' });
    expect(
      (await request(url, { method: 'POST', headers: built.headers, body: built.body })).statusCode,
    ).toBe(200);
    expect(
      (
        await request(url, {
          method: 'POST',
          headers: { ...built.headers, 'x-mes-signature': 'f'.repeat(64) },
          body: built.body,
        })
      ).statusCode,
    ).toBe(401);
    const katana = buildEvent('sales_order.created', { secret: 'ex' });
    expect(
      (
        await request(url.replace('/hooks', '/raw'), {
          method: 'POST',
          headers: katana.headers,
          body: katana.body,
        })
      ).statusCode,
    ).toBe(200);
    const parsed = await request(url.replace('/hooks', '/parsed'), {
      method: 'POST',
      headers: built.headers,
      body: built.body,
    });
    expect(parsed.statusCode).toBe(500);
    expect(await parsed.body.text()).toMatch(/express\.raw/);
    expect(seen).toEqual(['quality.ncr_created', 'raw']);
  });
});

describe('the published test vectors', () => {
  const file = JSON.parse(readFileSync(new URL('../test-vectors.json', import.meta.url), 'utf8'));

  it('cover every scheme, valid and invalid', () => {
    for (const scheme of ['mes', 'katana', 'tracktile', 'betterez', 'standard']) {
      const mine = file.vectors.filter((v: { scheme: string }) => v.scheme === scheme);
      expect(mine.some((v: { valid: boolean }) => v.valid)).toBe(true);
      expect(mine.some((v: { valid: boolean }) => !v.valid)).toBe(true);
    }
  });

  type Vector = {
    scheme: SchemeId;
    name: string;
    secret: string;
    body: string;
    timestamp: number;
    now: number;
    messageId: string;
    headers: Record<string, string>;
    valid: boolean;
  };
  const vectors: Vector[] = [...file.vectors, ...file.optional];
  it('keeps tolerance vectors apart from the required ones, each saying why', () => {
    expect(file.version).toBe(2);
    expect(file.optional.length).toBeGreaterThan(0);
    for (const v of file.optional) expect(v.why).toBeTruthy();
    expect(
      file.vectors.some((v: Vector) => Object.values(v.headers).some((h) => h.startsWith('sha256='))),
    ).toBe(false);
  });
  it.each(vectors.map((v): [string, Vector] => [`${v.scheme}: ${v.name}`, v]))(
    '%s agrees with the schemes',
    (_name, v) => {
      expect(verify(v.scheme, { secret: v.secret, body: v.body, headers: v.headers, now: v.now }).ok).toBe(
        v.valid,
      );
      if (v.valid && !Object.values(v.headers).some((h) => h.startsWith('sha256='))) {
        expect(
          sign(v.scheme, { secret: v.secret, body: v.body, timestamp: v.timestamp, messageId: v.messageId }),
        ).toEqual(v.headers);
      }
    },
  );
});
