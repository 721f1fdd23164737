import { describe, expect, it } from 'vitest';
import { useChromium } from './helpers/browser.js';
import { runCli, startCli } from './helpers/cli.js';

const browser = useChromium();

describe('the web inspector shows schema verdicts', () => {
  it('lists the problems of an invalid delivery in its detail pane', async () => {
    const listener = startCli(['listen', '--port', '0', '--ui', '--no-log']);
    try {
      const [, inspector] = await listener.waitFor(/Inspector: (\S+)/);
      const [, url] = await listener.waitFor(/Listening on (\S+)/);
      const page = await browser().newPage();
      await page.goto(inspector!);
      await page.waitForSelector('#conn.live');
      const sent = await runCli([
        'send',
        'sales_order.packed',
        '--to',
        url!,
        '--set',
        'object.status="DELIVERED"',
        '--set',
        'object.color="red"',
      ]);
      expect(sent.code).toBe(0);
      const row = page.locator('[data-testid=row]').first();
      await row.waitFor();
      await row.click();
      await expect.poll(() => page.locator('[data-testid=schema-verdict]').textContent()).toBe('invalid');
      expect(await page.locator('[data-testid=schema-finding]').allTextContents()).toEqual([
        '/object/status: expected "PACKED", got "DELIVERED"',
        '/object/color: not in the schema',
      ]);
      await page.close();
    } finally {
      await listener.stop();
    }
  });
});
