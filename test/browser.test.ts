import { mkdirSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { useChromium } from './helpers/browser.js';
import { runCli, startCli } from './helpers/cli.js';
import { startReceiver } from './helpers/receiver.js';
import { vendorVerifiers } from './helpers/vendor-verifiers.js';

const ARTIFACTS = new URL('../test-results/', import.meta.url);

const browser = useChromium();

describe('the web inspector, in a real browser', () => {
  it('shows deliveries live, opens their details, filters, and sends one again to the forward target', async () => {
    const secret = 'browser-test-secret';
    const app = await startReceiver((req) => ({
      status:
        vendorVerifiers.mes!(req.headers, req.body, secret) ||
        vendorVerifiers.katana!(req.headers, req.body, secret)
          ? 200
          : 401,
      body: '{"handled":true}',
    }));
    const listener = startCli(['listen', '--port', '0', '--ui', '--forward-to', app.url, '--no-log'], {
      env: { MES_WEBHOOKS_SECRET: secret },
    });
    try {
      const [, inspector] = await listener.waitFor(/Inspector: (\S+)/);
      const [, url] = await listener.waitFor(/Listening on (\S+)/);
      const page = await browser().newPage();
      await page.goto(inspector!);
      await page.waitForSelector('#conn.live');

      expect(
        (await runCli(['send', 'work_order.created', '--to', url!], { env: { MES_WEBHOOKS_SECRET: secret } }))
          .code,
      ).toBe(0);
      const row = page.locator('[data-testid=row]').first();
      await row.waitFor();
      await expect.poll(() => row.textContent()).toMatch(/mes.*work_order\.created.*valid.*200/);

      await row.click();
      await expect
        .poll(() => page.locator('[data-testid=verdict]').textContent())
        .toMatch(/^valid — signature matches/);
      const body = JSON.parse((await page.locator('[data-testid=body]').textContent())!);
      expect(body.type).toBe('work_order.created');
      expect(body.data.workOrder.id).toBe('wo-123');

      expect(
        (await runCli(['send', 'sales_order.packed', '--to', url!], { env: { MES_WEBHOOKS_SECRET: secret } }))
          .code,
      ).toBe(0);
      await expect.poll(() => page.locator('[data-testid=row]').count()).toBe(2);
      await page.selectOption('[data-testid=filter-provider]', 'katana');
      await expect.poll(() => page.locator('[data-testid=row]').count()).toBe(1);
      await page.selectOption('[data-testid=filter-provider]', '');
      await page.fill('[data-testid=filter-event]', 'work_order.*');
      await expect.poll(() => page.locator('[data-testid=row]').count()).toBe(1);

      expect(app.received).toHaveLength(2);
      await page.click('[data-testid=resend]');
      await expect
        .poll(() => page.locator('[data-testid=resend-result]').textContent())
        .toBe('sent again: 200');
      expect(app.received).toHaveLength(3);
      expect(app.received[2]!.body.equals(app.received[0]!.body)).toBe(true);
      expect(app.received[2]!.headers['x-mes-signature']).toBe(app.received[0]!.headers['x-mes-signature']);

      mkdirSync(ARTIFACTS, { recursive: true });
      await page.screenshot({ path: new URL('inspector.png', ARTIFACTS).pathname, fullPage: true });
      await page.close();
    } finally {
      await listener.stop();
      await app.close();
    }
  });

  it('cannot read the feed from a foreign page', async () => {
    const listener = startCli(['listen', '--port', '0', '--no-log']);
    try {
      const [, feed] = await listener.waitFor(/Feed: (\S+)/);
      const page = await browser().newPage();
      // A page served from another origin tries to open the feed with a stolen-looking URL.
      await page.route('http://evil.example/', (route) =>
        route.fulfill({ contentType: 'text/html', body: '<html><body>evil</body></html>' }),
      );
      await page.goto('http://evil.example/');
      const outcome = await page.evaluate(
        (target) =>
          new Promise<string>((resolve) => {
            const ws = new WebSocket(target);
            ws.onopen = () => resolve('open');
            ws.onmessage = () => resolve('read');
            ws.onerror = () => resolve('refused');
          }),
        feed!,
      );
      expect(outcome).toBe('refused');
      await page.close();
    } finally {
      await listener.stop();
    }
  });
});
