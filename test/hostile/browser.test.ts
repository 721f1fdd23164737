// A drive-by page in a real Chromium: a site the developer visits tries the listener's WebSocket
// with an odd target, the feed without a token, and a cross-origin POST to `//`.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { describe, expect, it } from 'vitest';
import { useChromium } from '../helpers/browser.js';
import { answersIn, raw, startListener } from './harness.mjs';

const browser = useChromium();

/** The hostile page, served from its own origin. */
function evilSite(port: number): Promise<Server> {
  const page = `<!doctype html><script>
    const results = {};
    const tryWs = (name, url) => new Promise((resolve) => {
      const ws = new WebSocket(url);
      ws.onopen = () => { results[name] = 'open'; ws.close(); resolve(); };
      ws.onerror = () => { results[name] = 'refused'; resolve(); };
    });
    window.done = Promise.all([
      tryWs('double slash', 'ws://127.0.0.1:${port}//'),
      tryWs('double slash bracket', 'ws://127.0.0.1:${port}//['),
      tryWs('feed without token', 'ws://127.0.0.1:${port}/__mes-webhooks/feed'),
      fetch('http://127.0.0.1:${port}//', { method: 'POST', mode: 'no-cors', body: '{"type":"x"}' }).then(() => {}, () => {}),
      fetch('http://127.0.0.1:${port}/__mes-webhooks/api/deliveries').then((r) => r.text()).then((t) => { results.read = t; }, () => { results.read = 'blocked'; }),
    ]).then(() => results);
  </script>`;
  const server = createServer((_req, res) => res.writeHead(200, { 'content-type': 'text/html' }).end(page));
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve(server)));
}

describe('a drive-by page in Chromium', () => {
  for (const args of [[], ['--path', '/hooks', '--ui']]) {
    it(`cannot take the listener down or read from it (${args.join(' ') || 'defaults'})`, async () => {
      const listener = await startListener(args);
      const site = await evilSite(listener.port);
      try {
        const page = await browser().newPage();
        await page.goto(`http://127.0.0.1:${(site.address() as AddressInfo).port}/`);
        const results = (await page.evaluate('window.done')) as Record<string, string>;
        expect(results['double slash']).toBe('refused');
        expect(results['double slash bracket']).toBe('refused');
        expect(results['feed without token']).toBe('refused');
        expect(results.read).toBe('blocked');
        await page.close();
        expect(listener.alive()).toBe(true);
        const path = args[1] ?? '/';
        const get = `GET ${path} HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n`;
        expect(answersIn(await raw(listener.port, [Buffer.from(get)])).statuses[0]).toBe(200);
      } finally {
        site.close();
        await listener.stop();
        listener.remove();
      }
    });
  }
});
