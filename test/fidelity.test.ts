import { Webhook as StandardWebhook } from 'standardwebhooks';
import Stripe from 'stripe';
import { Webhook as SvixWebhook } from 'svix';
import { describe, expect, it } from 'vitest';
import { BUILTIN_REGISTRY } from '../src/core/registry.js';
import { verify } from '../src/core/schemes/index.js';
import { configRegistry } from '../src/io/settings.js';
import { runCli, startCli, tempDir } from './helpers/cli.js';
import { testScope } from './helpers/scope.js';

const { later } = testScope();
const WHSEC = 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw';
const UNPADDED = 'whsec_CQkJCQkJCQkJCQkJCQkJCQ';
const now = () => Math.floor(Date.now() / 1000);
const body = '{"type":"work_order.created","id":"evt-1","data":{}}';

/** `payload --json`: the exact headers and body the tool would send. */
async function payload(args: string[], secret: string) {
  const res = await runCli(['payload', ...args, '--json'], { env: { MES_WEBHOOKS_SECRET: secret } });
  expect(res.code, res.stderr).toBe(0);
  return JSON.parse(res.stdout) as { headers: Record<string, string>; body: string };
}

describe('the tool signs, the official libraries verify', () => {
  it.each([
    ['a padded whsec_ secret', WHSEC],
    ['an unpadded whsec_ secret', UNPADDED],
  ])('standardwebhooks and svix accept standard signatures with %s', async (_name, secret) => {
    const sent = await payload(['work_order.created', '--scheme', 'standard'], secret);
    expect(new StandardWebhook(secret).verify(sent.body, sent.headers)).toMatchObject({
      type: 'work_order.created',
    });
    expect(new SvixWebhook(secret).verify(sent.body, sent.headers)).toMatchObject({
      type: 'work_order.created',
    });
  });

  it("stripe's constructEvent accepts Tracktile signatures (the same t=,v1= header)", async () => {
    const sent = await payload(['inventory.received'], 'tracktile-secret');
    const stripe = new Stripe('sk_test_unused');
    const event = stripe.webhooks.constructEvent(
      sent.body,
      sent.headers['x-tracktile-signature']!,
      'tracktile-secret',
    );
    expect(event).toMatchObject({ kind: 'inventory.received' });
  });

  it('raw mode: the libraries with format "raw" accept a plain secret when the config says so', async () => {
    const cwd = tempDir();
    const { writeFileSync } = await import('node:fs');
    writeFileSync(`${cwd}/mes-webhooks.config.json`, JSON.stringify({ secretFormat: 'raw' }));
    const res = await runCli(['payload', 'work_order.created', '--scheme', 'standard', '--json'], {
      cwd,
      env: { MES_WEBHOOKS_SECRET: 'plain-secret' },
    });
    expect(res.code, res.stderr).toBe(0);
    const sent = JSON.parse(res.stdout);
    const wh = new StandardWebhook('plain-secret', { format: 'raw' });
    expect(wh.verify(sent.body, sent.headers)).toMatchObject({ type: 'work_order.created' });
    // Without raw mode a plain secret is refused with what to do, not with "pass --secret".
    const refused = await runCli(['payload', 'work_order.created', '--scheme', 'standard', '--headers'], {
      env: { MES_WEBHOOKS_SECRET: 'plain-secret' },
    });
    expect(refused.code).toBe(2);
    expect(refused.stderr).toMatch(/"secretFormat": "raw"/);
    expect(refused.stderr).not.toMatch(/pass --secret/);
  });
});

describe('the official libraries sign, the tool verifies', () => {
  it.each([
    ['standardwebhooks, webhook-* headers', WHSEC, 'standardwebhooks'],
    ['standardwebhooks, unpadded secret', UNPADDED, 'standardwebhooks'],
    ['svix, svix-* headers', WHSEC, 'svix'],
    ['svix, unpadded secret', UNPADDED, 'svix'],
  ] as const)('%s: valid', (_name, secret, library) => {
    const date = new Date(now() * 1000);
    const headers =
      library === 'svix'
        ? (() => {
            const signature = new SvixWebhook(secret).sign('msg_1', date, body);
            return { 'svix-id': 'msg_1', 'svix-timestamp': String(now()), 'svix-signature': signature };
          })()
        : (() => {
            const signature = new StandardWebhook(secret).sign('msg_1', date, body);
            return {
              'webhook-id': 'msg_1',
              'webhook-timestamp': String(now()),
              'webhook-signature': signature,
            };
          })();
    expect(BUILTIN_REGISTRY.detectScheme(headers)?.id).toBe('standard');
    expect(verify('standard', { secret, body, headers, now: now() })).toMatchObject({ verdict: 'valid' });
  });

  it('raw mode declared in the config verifies what standardwebhooks signs with format "raw"', () => {
    const registry = configRegistry({ secretFormat: 'raw' });
    const signature = new StandardWebhook('plain-secret', { format: 'raw' }).sign(
      'msg_1',
      new Date(now() * 1000),
      body,
    );
    const headers = {
      'webhook-id': 'msg_1',
      'webhook-timestamp': String(now()),
      'webhook-signature': signature,
    };
    expect(
      registry.scheme('standard').verify({ secret: 'plain-secret', body, headers, now: now() }).verdict,
    ).toBe('valid');
    expect(
      BUILTIN_REGISTRY.scheme('standard').verify({ secret: 'plain-secret', body, headers, now: now() })
        .reason,
    ).toMatch(/raw/);
  });

  it("stripe's test header verifies as Tracktile; timestamp rules follow each document", () => {
    const stripe = new Stripe('sk_test_unused');
    const at = (offset: number) => {
      const header = stripe.webhooks.generateTestHeaderString({
        payload: body,
        secret: 's',
        timestamp: now() + offset,
      });
      return {
        tracktile: { 'x-tracktile-signature': header },
        betterez: { 'x-btrz-signature': header.replace('v1=', 's2=') },
      };
    };
    expect(verify('tracktile', { secret: 's', body, headers: at(0).tracktile, now: now() }).verdict).toBe(
      'valid',
    );
    // Ten minutes ahead: Tracktile's sample refuses both directions; Betterez (like Stripe) limits only age.
    const tracktile = verify('tracktile', { secret: 's', body, headers: at(600).tracktile, now: now() });
    expect(tracktile).toMatchObject({ verdict: 'invalid' });
    expect(tracktile.reason).toMatch(/in the future.*both directions/);
    const betterez = verify('betterez', { secret: 's', body, headers: at(600).betterez, now: now() });
    expect(betterez).toMatchObject({ verdict: 'valid' });
    expect(betterez.reason).toMatch(/age-only/);
    expect(() =>
      stripe.webhooks.constructEvent(body, at(600).tracktile['x-tracktile-signature'], 's'),
    ).not.toThrow();
    const stale = verify('betterez', { secret: 's', body, headers: at(-600).betterez, now: now() });
    expect(stale.reason).toMatch(/old.*age-only/);
  });
});

describe('listen knows svix headers and declared schemes first', () => {
  it('reports svix-signed deliveries as valid standard ones, and a declared scheme claims a built-in header', async () => {
    const cwd = tempDir();
    const { writeFileSync } = await import('node:fs');
    writeFileSync(
      `${cwd}/mes-webhooks.config.json`,
      JSON.stringify({
        schemes: { mine: { signatureHeader: 'x-mes-signature', signedContent: 'body', encoding: 'base64' } },
      }),
    );
    const listener = startCli(['listen', '--port', '0', '--json', '--no-log'], {
      cwd,
      env: { MES_WEBHOOKS_SECRET: WHSEC },
    });
    later(() => listener.stop());
    const [, url] = await listener.waitFor(/Listening on (\S+)/);
    const signature = new SvixWebhook(WHSEC).sign('msg_svix', new Date(now() * 1000), body);
    await fetch(url!, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        'svix-id': 'msg_svix',
        'svix-timestamp': String(now()),
        'svix-signature': signature,
      },
      body,
    });
    const [svixLine] = await listener.waitFor(/\{"v":1,"deliveryId".*"signature":\{"verdict":"valid".*\}/);
    expect(JSON.parse(svixLine)).toMatchObject({ signature: { verdict: 'valid' } });
    // Signed the declared way (base64), under the header MES uses: the declared scheme verifies it.
    const { createHmac } = await import('node:crypto');
    const mine = createHmac('sha256', WHSEC).update(body).digest('base64');
    await fetch(url!, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-mes-signature': mine },
      body,
    });
    const lines = await listener.waitFor(/\{"v":1,"deliveryId".*\}\n.*\{"v":1,"deliveryId".*\}/s);
    expect(lines[0]).toMatch(/"signature":\{"verdict":"valid"[\s\S]*"signature":\{"verdict":"valid"/);
  });
});
