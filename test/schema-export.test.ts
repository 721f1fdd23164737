import { readFileSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { Parser } from '@asyncapi/parser';
import { Validator } from '@seriousme/openapi-schema-validator';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parse as parseYaml } from 'yaml';
import { loadFixtures } from '../src/io/fixtures.js';
import { toYaml } from '../src/schema/yaml.js';
import { independentAjv } from './helpers/ajv.js';
import { runCli, tempDir } from './helpers/cli.js';

const events = await loadFixtures();
type Doc = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

describe('schema and export commands', () => {
  it('schema <event> prints the schema; --all --output writes one file per event, each accepting its fixture', async () => {
    const one = await runCli(['schema', 'sales_order.deleted']);
    expect(one.code).toBe(0);
    const schema = JSON.parse(one.stdout);
    expect(schema.$schema).toBe('https://json-schema.org/draft/2020-12/schema');
    expect(schema.properties.object.required).toEqual(['id', 'status']);

    const cwd = tempDir();
    const all = await runCli(['schema', '--all', '--output', 'out'], { cwd });
    expect(all.code).toBe(0);
    expect(all.stderr).toContain('Wrote 81 schemas');
    const ajv = independentAjv();
    let files = 0;
    for (const provider of readdirSync(path.join(cwd, 'out'))) {
      for (const file of readdirSync(path.join(cwd, 'out', provider))) {
        const def = events.find((e) => e.provider === provider && `${e.name}.json` === file)!;
        const validate = ajv.compile(JSON.parse(readFileSync(path.join(cwd, 'out', provider, file), 'utf8')));
        expect(validate(def.payload), `${provider}/${file}`).toBe(true);
        files++;
      }
    }
    expect(files).toBe(81);
  });

  it('refuses what it cannot do with exit 2 and a hint', async () => {
    const none = await runCli(['schema']);
    expect([none.code, none.stderr]).toEqual([2, expect.stringContaining('name an event, or use --all')]);
    const typo = await runCli(['schema', 'work_order.creatd']);
    expect([typo.code, typo.stderr]).toEqual([2, expect.stringContaining('did you mean work_order.created')]);
    const kind = await runCli(['export', 'swagger']);
    expect([kind.code, kind.stderr]).toEqual([2, expect.stringContaining('cannot export "swagger"')]);
    const format = await runCli(['export', 'openapi', '--format', 'xml']);
    expect([format.code, format.stderr]).toEqual([
      2,
      expect.stringContaining("argument 'xml' is invalid. Allowed choices are json, yaml"),
    ]);
  });

  it('export openapi is a valid OpenAPI 3.1 document with every event as a webhook', async () => {
    const result = await runCli(['export', 'openapi']);
    expect(result.code).toBe(0);
    const doc: Doc = JSON.parse(result.stdout);
    const verdict = await new Validator().validate(doc);
    expect(verdict.errors ?? []).toEqual([]);
    expect(verdict.valid).toBe(true);
    expect(Object.keys(doc.webhooks)).toHaveLength(81);
    const post = doc.webhooks['katana:sales_order.delivered'].post;
    expect(post.parameters.map((p: Doc) => [p.name, p.in, p.required])).toEqual([
      ['x-sha2-signature', 'header', true],
      ['x-katana-retry-num', 'header', false],
    ]);
    const body = post.requestBody.content['application/json'];
    expect(body.example).toEqual(events.find((e) => e.name === 'sales_order.delivered')!.payload);
    expect(body.schema.properties.object.properties.status.const).toBe('DELIVERED');
  });

  it('export asyncapi parses with @asyncapi/parser with no errors, in JSON and in YAML', async () => {
    const cwd = tempDir();
    const json = await runCli(['export', 'asyncapi']);
    const yaml = await runCli(['export', 'asyncapi', '--output', 'api.yaml'], { cwd });
    expect([json.code, yaml.code]).toEqual([0, 0]);
    const yamlText = readFileSync(path.join(cwd, 'api.yaml'), 'utf8');
    // The YAML says exactly what the JSON says.
    expect(parseYaml(yamlText)).toEqual(JSON.parse(json.stdout));
    for (const text of [json.stdout, yamlText]) {
      const { document, diagnostics } = await new Parser().parse(text);
      expect(diagnostics.filter((d) => d.severity === 0)).toEqual([]);
      expect(document).toBeDefined();
      expect(
        document!
          .channels()
          .all()
          .map((c) => c.address()),
      ).toEqual(['/webhooks/mes', '/webhooks/tracktile', '/webhooks/betterez', '/webhooks/katana']);
      expect(document!.messages().all()).toHaveLength(81);
      const message = document!
        .messages()
        .all()
        .find((m) => m.name() === 'inventory.moved')!;
      expect(Object.keys(message.headers()!.properties() ?? {})).toContain('x-tracktile-signature');
    }
  });

  it('--provider narrows an export to one provider', async () => {
    const result = await runCli(['export', 'openapi', '--provider', 'betterez', '--format', 'yaml']);
    expect(result.code).toBe(0);
    const doc: Doc = parseYaml(result.stdout);
    expect(Object.keys(doc.webhooks)).toEqual([
      'betterez:operationmessage.created',
      'betterez:operationmessage.updated',
    ]);
    expect((await new Validator().validate(doc)).valid).toBe(true);
  });
});

describe('toYaml', () => {
  it('writes YAML that a YAML parser reads back as the same JSON value', () => {
    fc.assert(
      fc.property(fc.jsonValue(), (value) => {
        // JSON has no -0; YAML keeps it, so compare what JSON would carry.
        const json = JSON.parse(JSON.stringify(value));
        expect(parseYaml(toYaml(json))).toEqual(json);
      }),
      { numRuns: 1000 },
    );
  });
});
