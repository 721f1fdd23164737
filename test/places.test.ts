import { mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { BUILTIN_PLACES } from '../src/core/providers/builtins.js';
import { BUILTIN_PROVIDER_IDS } from '../src/core/providers/types.js';
import { BUILTIN_REGISTRY, createRegistry } from '../src/core/registry.js';
import { SCHEME_IDS } from '../src/core/schemes/types.js';
import { CHECKS } from '../src/core/verify/checks/index.js';
import { loadFixtures } from '../src/io/fixtures.js';
import { runCli, startCli, tempDir } from './helpers/cli.js';
import { testScope } from './helpers/scope.js';

const { later } = testScope();
const root = fileURLToPath(new URL('..', import.meta.url));
const dirsIn = (dir: string) =>
  readdirSync(dir).filter((name) => statSync(path.join(dir, name)).isDirectory());

describe('provider places', () => {
  it('one folder per built-in place, listed once, agreeing with the id lists', () => {
    const ids = BUILTIN_PLACES.map((p) => p.id);
    expect(dirsIn(path.join(root, 'src/core/providers')).sort()).toEqual([...ids].sort());
    expect([...SCHEME_IDS].sort()).toEqual([...ids].sort());
    expect(BUILTIN_PLACES.flatMap((p) => (p.provider ? [p.provider.id] : []))).toEqual([
      ...BUILTIN_PROVIDER_IDS,
    ]);
    for (const place of BUILTIN_PLACES) {
      expect(place.scheme.id).toBe(place.id);
      expect(place.schedule.name).toBe(place.id);
      if (place.provider) {
        expect(place.provider.id).toBe(place.id);
        expect(place.provider.scheme).toBe(place.id);
        expect(place.provider.schedule).toEqual(place.schedule);
      }
    }
  });

  it('each provider folder has its fixtures folder, and the compiled catalog holds exactly those', async () => {
    const withEvents = BUILTIN_PLACES.filter((p) => p.provider).map((p) => p.id);
    expect(dirsIn(path.join(root, 'fixtures')).sort()).toEqual([...withEvents].sort());
    const fixtures = await loadFixtures();
    const { BUILTIN_EVENTS } = await import('../src/generated/catalog.js');
    const key = (e: { provider: string; name: string }) => `${e.provider}:${e.name}`;
    expect(BUILTIN_EVENTS.map(key).sort()).toEqual(fixtures.map(key).sort());
    for (const place of BUILTIN_PLACES) {
      const names = fixtures.filter((e) => e.provider === place.id).map((e) => e.name);
      // Every lifecycle event is one of the provider's own fixtures.
      for (const event of place.lifecycle) expect(names).toContain(event);
    }
  });

  it('is a value: declaring adds to a new registry and leaves the built-in one as it was', () => {
    const before = BUILTIN_REGISTRY.providers.map((p) => p.id);
    const [mes] = BUILTIN_PLACES;
    const declared = createRegistry({
      places: [{ ...mes!, id: 'mes2', provider: undefined, scheme: { ...mes!.scheme, id: 'mes2' } }],
    });
    expect(declared.hasScheme('mes2')).toBe(true);
    expect(BUILTIN_REGISTRY.hasScheme('mes2')).toBe(false);
    expect(BUILTIN_REGISTRY.providers.map((p) => p.id)).toEqual(before);
    // A declared scheme with a built-in's header is detected first.
    expect(declared.detectScheme({ 'x-mes-signature': 'ab' })?.id).toBe('mes2');
    expect(BUILTIN_REGISTRY.detectScheme({ 'x-mes-signature': 'ab' })?.id).toBe('mes');
  });
});

describe('verify checks', () => {
  it('one file per check under src/core/verify/checks, each in the list once', () => {
    const dir = path.join(root, 'src/core/verify/checks');
    const files = readdirSync(dir)
      .filter((f) => f.endsWith('.ts') && f !== 'index.ts' && f !== 'timestamp.ts')
      .map((f) => f.replace(/\.ts$/, ''));
    expect(files.sort()).toEqual(CHECKS.map((c) => c.name).sort());
  });
});

const sourceFiles = (dir: string): string[] =>
  readdirSync(dir, { withFileTypes: true }).flatMap((d) =>
    d.isDirectory()
      ? sourceFiles(path.join(dir, d.name))
      : d.name.endsWith('.ts')
        ? [path.join(dir, d.name)]
        : [],
  );
const code = (file: string) =>
  readFileSync(file, 'utf8')
    .replace(/\/\*[\s\S]*?\*\//g, '')
    .replace(/^\s*\/\/.*$/gm, '')
    .replace(/\s\/\/ .*$/gm, '');

describe('src/core', () => {
  const src = path.join(root, 'src');
  const files = sourceFiles(path.join(src, 'core'));

  it('reaches no file system, network, process, clock, randomness or console', () => {
    // process.getBuiltinModule loads a Node module, as an import would: it reaches nothing of the process.
    const banned =
      /from 'node:(fs|fs\/promises|net|http|https)'|\bprocess\.(?!getBuiltinModule\()|Date\.now|Math\.random|console\./;
    const offenders = files.filter((f) => banned.test(code(f))).map((f) => path.relative(root, f));
    expect(offenders).toEqual([]);
  });

  it('has no file over 310 lines', () => {
    const long = files.filter((f) => readFileSync(f, 'utf8').split('\n').length > 310);
    expect(long.map((f) => path.relative(root, f))).toEqual([]);
  });

  it('has no import cycles', () => {
    const graph = new Map<string, string[]>();
    for (const file of files) {
      const imports = [...code(file).matchAll(/(?:from|import\()\s*'(\.[^']+)'/g)].map((m) =>
        path.resolve(path.dirname(file), m[1]!.replace(/\.js$/, '.ts')),
      );
      graph.set(
        file,
        imports.filter((i) => graph.has(i) || files.includes(i)),
      );
    }
    const state = new Map<string, 'open' | 'done'>();
    const cycles: string[] = [];
    const visit = (file: string, trail: string[]) => {
      if (state.get(file) === 'done') return;
      if (state.get(file) === 'open') {
        cycles.push(
          [...trail.slice(trail.indexOf(file)), file].map((f) => path.relative(src, f)).join(' → '),
        );
        return;
      }
      state.set(file, 'open');
      for (const next of graph.get(file) ?? []) visit(next, [...trail, file]);
      state.set(file, 'done');
    };
    for (const file of files) visit(file, []);
    expect(cycles).toEqual([]);
  });
});

describe('a provider added as one folder plus fixtures, through the config file', () => {
  it('is listed, sent, received and verified like a built-in one', async () => {
    const cwd = tempDir();
    mkdirSync(path.join(cwd, 'acme'));
    // The same shape as src/core/providers/<id>/index.ts, written as a plain module.
    writeFileSync(
      path.join(cwd, 'acme', 'index.mjs'),
      `import { createHmac } from 'node:crypto';
const header = 'x-acme-signature';
const mac = (secret, body) => createHmac('sha256', secret).update(body).digest('hex');
const schedule = { name: 'acme', delaysMs: [0, 1000] };
export default {
  id: 'acme',
  scheme: {
    id: 'acme', description: header + ': hex HMAC of the body', headers: [header], toleranceSec: null,
    sign: ({ secret, body }) => ({ [header]: mac(secret, body) }),
    verify: ({ secret, body, headers }) => {
      const given = headers[header];
      if (given === undefined) return { ok: false, verdict: 'missing', reason: 'no ' + header + ' header' };
      return given === mac(secret, body)
        ? { ok: true, verdict: 'valid', reason: 'signature matches' }
        : { ok: false, verdict: 'invalid', reason: 'signature does not match' };
    },
  },
  schedule,
  lifecycle: ['lot.opened', 'lot.closed'],
  provider: {
    id: 'acme', name: 'Acme', scheme: 'acme', deadlineMs: 5000, schedule,
    envelope: { safeParse: (v) => typeof v?.what === 'string' ? { success: true } : { success: false, error: { issues: [{ path: ['what'], message: 'a string' }] } } },
    matches: (p) => typeof p.what === 'string' && typeof p.lot === 'string',
    eventType: (p) => p.what,
    eventId: (p) => p.ref,
    freshen: (p, f) => ({ ...p, ref: 'acme_' + f.uuid(), at: f.now.toISOString() }),
  },
};
`,
    );
    mkdirSync(path.join(cwd, 'fixtures', 'acme'), { recursive: true });
    for (const what of ['lot.opened', 'lot.closed'])
      writeFileSync(
        path.join(cwd, 'fixtures', 'acme', `${what}.json`),
        JSON.stringify({
          event: what,
          description: `A lot ${what.split('.')[1]}`,
          payload: { what, lot: 'L-1', ref: 'x', at: 'x' },
        }),
      );
    writeFileSync(
      path.join(cwd, 'mes-webhooks.config.json'),
      JSON.stringify({ places: ['./acme'], fixtures: ['./fixtures'] }),
    );

    const events = await runCli(['events', '--provider', 'acme', '--json'], { cwd });
    expect(JSON.parse(events.stdout).map((e: { name: string }) => e.name)).toEqual([
      'lot.closed',
      'lot.opened',
    ]);

    const listener = startCli(['listen', '--port', '0', '--json', '--no-log'], { cwd });
    later(() => listener.stop());
    const [, url] = await listener.waitFor(/Listening on (\S+)/);
    const sent = await runCli(['send', 'lot.opened', '--to', url!, '--json'], { cwd });
    expect(sent.code).toBe(0);
    expect(JSON.parse(sent.stdout)).toMatchObject({ provider: 'acme', event: 'lot.opened', status: 200 });
    const [line] = await listener.waitFor(/\{"v":1,"deliveryId".*\}/);
    expect(JSON.parse(line)).toMatchObject({
      provider: 'acme',
      event: 'lot.opened',
      signature: { verdict: 'valid' },
    });

    // verify knows its scheme, its lifecycle and its generic malformed signatures.
    const verified = await runCli(
      ['verify', url!, '--provider', 'acme', '--only', 'signature.valid,ordering.*', '--reporter', 'json'],
      { cwd },
    );
    const report = JSON.parse(verified.stdout);
    expect(report.checks.map((c: { name: string; status: string }) => [c.name, c.status])).toEqual([
      ['signature.valid', 'pass'],
      ['ordering.out-of-order', 'pass'],
    ]);
  });
});
