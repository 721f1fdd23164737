import { execFile } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { cleanEnv, tempDir } from './helpers/cli.js';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const run = promisify(execFile);
const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';

// Types only, checked by tsc: the @ts-expect-error lines fail the check if the types came through as `any`.
const TYPED_USE = `import { checkReceiver, deliver, simulateRetries, type DeliverResult } from 'mes-webhooks/testing';
import { verifyWebhook, type WebVerifyResult } from 'mes-webhooks/web';
import { buildEvent, withWebhook } from 'mes-webhooks';

const handler = withWebhook({ provider: 'mes', secret: 's' }, async (webhook) => Response.json(webhook.eventId));
export const delivered: Promise<DeliverResult> = deliver(handler, 'work_order.created', { secret: 's', tamper: 'body' });
export const inline = deliver((request) => new Response(request.url), 'work_order.created');
export const checked = checkReceiver('http://127.0.0.1:9/', { provider: 'katana', only: ['signature.*'] });
export const retried = simulateRetries({ fetch: handler }, 'work_order.created');
export const verified: Promise<WebVerifyResult> = verifyWebhook(new Request('http://x/'), { secret: 's' });
export const quantity: number = buildEvent('work_order.created').payload.data.workOrder.quantity;
// @ts-expect-error tamper is one of five ways to break a delivery
deliver(handler, 'work_order.created', { tamper: 'bits' });
// @ts-expect-error a check result's status is pass, fail, warn or skip
export const wrong = checked.then((results) => results[0]?.status === 'maybe');
`;

// The same package at run time: the kit delivers a signed event to a fetch handler that verifies it.
const RUNTIME_USE = `import { deliver } from 'mes-webhooks/testing';
import { withWebhook } from 'mes-webhooks/web';
const handler = withWebhook({ provider: 'mes', secret: 's' }, async (w) => Response.json({ event: w.event }));
const ok = await deliver(handler, 'work_order.created', { secret: 's' });
const bad = await deliver(handler, 'work_order.created', { secret: 's', tamper: 'secret' });
console.log(JSON.stringify([ok.status, ok.body, bad.status]));
`;

describe('the packed package', () => {
  it('installs from its tarball into a fresh project, where the subpath exports type-check and run', async () => {
    expect(existsSync(path.join(ROOT, 'dist/testing/index.d.ts')), 'run `npm run build` first').toBe(true);
    const dir = tempDir('mes-webhooks-pack-');
    const env = cleanEnv();
    // dist is built already (`npm test` builds first); packing need not build it again.
    await run(npm, ['pack', '--ignore-scripts', '--pack-destination', dir], { cwd: ROOT, env });
    const tarball = readdirSync(dir).find((f) => f.endsWith('.tgz'))!;
    const project = path.join(dir, 'fresh');
    mkdirSync(project);
    writeFileSync(
      path.join(project, 'package.json'),
      JSON.stringify({ name: 'fresh', private: true, type: 'module' }),
    );
    // The package's dependencies come from npm's cache where it has them.
    await run(
      npm,
      ['install', '--prefer-offline', '--no-audit', '--no-fund', '--ignore-scripts', path.join(dir, tarball)],
      { cwd: project, env, timeout: 120_000 },
    );
    writeFileSync(path.join(project, 'use.ts'), TYPED_USE);
    writeFileSync(
      path.join(project, 'tsconfig.json'),
      JSON.stringify({
        compilerOptions: {
          target: 'ES2022',
          module: 'NodeNext',
          moduleResolution: 'NodeNext',
          strict: true,
          noEmit: true,
          skipLibCheck: true,
          types: ['node'],
          // TypeScript and Node's types from this repository: the fresh project installs only the package.
          typeRoots: [path.join(ROOT, 'node_modules/@types')],
        },
        files: ['use.ts'],
      }),
    );
    const tsc = path.join(ROOT, 'node_modules/typescript/bin/tsc');
    const typed = await run(process.execPath, [tsc, '-p', project], {
      cwd: project,
      env,
      timeout: 120_000,
    }).catch((e: { stdout: string }) => e);
    expect(typed.stdout).toBe('');

    writeFileSync(path.join(project, 'use.mjs'), RUNTIME_USE);
    const { stdout } = await run(process.execPath, ['use.mjs'], { cwd: project, env, timeout: 60_000 });
    expect(JSON.parse(stdout)).toEqual([200, '{"event":"work_order.created"}', 401]);
  }, 300_000);
});
