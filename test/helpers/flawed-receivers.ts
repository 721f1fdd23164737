import express from 'express';
import Fastify from 'fastify';
import { Hono } from 'hono';
import { verify, type SchemeId } from '../../src/core/schemes/index.js';
import { verifyWebhook } from '../../src/web.js';

/**
 * Receivers with one well-known mistake each, in the frameworks people use; the testing kit's
 * checks must fail each on the checks that mistake breaks, and nothing else.
 */

/** Hono, trusting every delivery: it parses the body and never looks at the signature. */
export function honoAcceptingAnySignature() {
  const app = new Hono();
  app.post('/webhooks', async (c) => {
    await c.req.json().catch(() => null);
    return c.json({ ok: true });
  });
  return app;
}

/** Fastify, the same mistake: its default JSON parser, no verification. */
export function fastifyAcceptingAnySignature() {
  const app = Fastify({ bodyLimit: 1024 * 1024 });
  app.post('/webhooks', async () => ({ ok: true }));
  return app;
}

/** Express, verifying JSON.stringify(req.body): other bytes than were signed once the sender formats differently. */
export function expressReserializing(secret: string, scheme: SchemeId = 'mes') {
  const app = express();
  app.post('/webhooks', express.json({ limit: '1mb' }), (req, res) => {
    const verdict = verify(scheme, {
      secret,
      body: JSON.stringify(req.body),
      headers: req.headers as Record<string, string>,
      now: Math.floor(Date.now() / 1000),
    });
    res.sendStatus(verdict.ok ? 200 : 401);
  });
  return app;
}

/**
 * A route handler doing its work before answering: each request costs `workMs` on the given
 * clock, so slowness is exact and takes no real time.
 */
export function slowRouteHandler(secret: string, clock: { advance(ms: number): void }, workMs: number) {
  return async (request: Request) => {
    const result = await verifyWebhook(request, { provider: 'mes', secret });
    if (!result.ok) return Response.json({ error: result.reason }, { status: result.status });
    clock.advance(workMs);
    return Response.json({ ok: true });
  };
}

/** Express doing the same slow work in its handler. */
export function slowExpress(secret: string, clock: { advance(ms: number): void }, workMs: number) {
  const app = express();
  app.post('/webhooks', express.raw({ type: 'application/json', limit: '1mb' }), (req, res) => {
    const ok = verify('mes', {
      secret,
      body: Buffer.isBuffer(req.body) ? req.body : Buffer.alloc(0),
      headers: req.headers as Record<string, string>,
      now: 0,
    }).ok;
    if (ok) clock.advance(workMs);
    res.sendStatus(ok ? 200 : 401);
  });
  return app;
}
