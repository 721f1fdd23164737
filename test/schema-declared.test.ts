import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { sign } from '../src/core/schemes/index.js';
import { DEV_SECRET, loadConfig } from '../src/io/settings.js';
import { schemaVerdict } from '../src/schema/verdict.js';
import { startCli, tempDir } from './helpers/cli.js';

/** A folder with a config declaring provider `acme` (MES signatures) and a schema folder for it. */
export function acmeFolder(): string {
  const dir = tempDir();
  mkdirSync(path.join(dir, 'acme-schemas'));
  writeFileSync(
    path.join(dir, 'acme-schemas', 'lot.opened.json'),
    JSON.stringify({
      $schema: 'https://json-schema.org/draft/2020-12/schema',
      type: 'object',
      required: ['type', 'lot'],
      properties: {
        type: { const: 'lot.opened' },
        lot: {
          type: 'object',
          required: ['qty'],
          properties: { qty: { type: 'integer' } },
        },
      },
    }),
  );
  writeFileSync(
    path.join(dir, 'mes-webhooks.config.json'),
    JSON.stringify({
      providers: {
        acme: { scheme: 'mes', eventField: 'type', idField: 'id', schemas: './acme-schemas' },
      },
    }),
  );
  return dir;
}

describe('a provider declared in the config with a schema folder', () => {
  it('gives its deliveries verdicts from its own schemas', async () => {
    const config = await loadConfig(acmeFolder());
    const acme = config.registry!.provider('acme')!;
    const verdict = (body: unknown) =>
      schemaVerdict('acme', 'lot.opened', JSON.stringify(body), acme.schemas);
    // A field the schema does not name is a note, not a failure.
    expect(verdict({ type: 'lot.opened', id: 'l1', lot: { qty: 5 } })).toMatchObject({
      verdict: 'valid',
      notes: [{ pointer: '/id' }],
    });
    expect(verdict({ type: 'lot.opened', id: 'l1', lot: { qty: 'five' } })).toMatchObject({
      verdict: 'invalid',
      problems: [{ pointer: '/lot/qty', message: 'expected integer, got string' }],
    });
    // An event its folder has no schema for stays unknown.
    expect(schemaVerdict('acme', 'lot.closed', '{"type":"lot.closed"}', acme.schemas).verdict).toBe(
      'unknown',
    );
  });

  it('names the key when the folder cannot be read or a file is not a schema', async () => {
    const missing = acmeFolder();
    writeFileSync(
      path.join(missing, 'mes-webhooks.config.json'),
      JSON.stringify({ providers: { acme: { scheme: 'mes', eventField: 'type', schemas: './nope' } } }),
    );
    await expect(loadConfig(missing)).rejects.toThrow(/"providers\.acme\.schemas": cannot read the folder/);
    const broken = acmeFolder();
    writeFileSync(path.join(broken, 'acme-schemas', 'lot.closed.json'), '[1, 2]');
    await expect(loadConfig(broken)).rejects.toThrow(/lot\.closed\.json is not a JSON Schema object/);
  });
});

describe('listen with a declared provider and its schema folder', () => {
  const body = JSON.stringify({ type: 'lot.opened', id: 'l1', lot: { qty: 'five' } });
  const post = (url: string) =>
    fetch(url, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        ...sign('mes', { secret: DEV_SECRET, body, timestamp: 0, messageId: 'l1' }),
      },
      body,
    });

  it('shows the verdict from its own schema, and none with --no-schema-check', async () => {
    const cwd = acmeFolder();
    const checked = startCli(['listen', '--port', '0', '--json', '--no-log'], { cwd });
    try {
      const [, url] = await checked.waitFor(/Listening on (\S+)/);
      await post(url!);
      const [line] = await checked.waitFor(/\{"v":1,"deliveryId".*\}/);
      expect(JSON.parse(line)).toMatchObject({
        provider: 'acme',
        event: 'lot.opened',
        schema: { verdict: 'invalid', problems: [{ pointer: '/lot/qty' }] },
      });
    } finally {
      await checked.stop();
    }
    const unchecked = startCli(['listen', '--port', '0', '--json', '--no-log', '--no-schema-check'], { cwd });
    try {
      const [, url] = await unchecked.waitFor(/Listening on (\S+)/);
      await post(url!);
      const [line] = await unchecked.waitFor(/\{"v":1,"deliveryId".*\}/);
      expect(JSON.parse(line)).not.toHaveProperty('schema');
    } finally {
      await unchecked.stop();
    }
  });
});
