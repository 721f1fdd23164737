import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { COMMANDS } from '../src/commands/index.js';
import { parseDeclared } from '../src/commands/pieces.js';
import { buildProgram } from '../src/program.js';

/** What commander and the declarations make of argv: the command, its arguments, its parsed options. */
async function parse(argv: string[]) {
  let seen: { command: string; args: unknown[]; options: Record<string, unknown> } | undefined;
  let output = '';
  const sink = { write: (text: string) => (output += text) };
  const program = buildProgram({ stdout: sink, stderr: sink }, async (spec, args, raw) => {
    seen = { command: spec.name, args, options: parseDeclared(spec.options, raw) as Record<string, unknown> };
  });
  await program.parseAsync(argv, { from: 'user' });
  if (!seen) throw new Error(`no command ran for ${argv.join(' ')}: ${output}`);
  return seen;
}

const eventDefaults = { set: [], header: [], strict: false };

const TABLE: [string[], { command: string; args: unknown[]; options: Record<string, unknown> }][] = [
  [['events'], { command: 'events', args: [], options: { json: false } }],
  [
    ['schema', 'work_order.created'],
    { command: 'schema', args: ['work_order.created'], options: { all: false } },
  ],
  [
    ['schema', '--all', '--output', 'out', '--provider', 'katana'],
    { command: 'schema', args: [undefined], options: { all: true, output: 'out', provider: 'katana' } },
  ],
  [
    ['export', 'asyncapi', '--format', 'yaml', '--output', 'a.yaml'],
    { command: 'export', args: ['asyncapi'], options: { format: 'yaml', output: 'a.yaml' } },
  ],
  [
    ['events', '--provider', 'katana', '--json'],
    { command: 'events', args: [], options: { provider: 'katana', json: true } },
  ],
  [
    [
      'payload',
      'work_order.created',
      '--set',
      'a=1',
      '--set',
      'b=2',
      '--header',
      'X-A: 1',
      '--timestamp-offset',
      '-10m',
    ],
    {
      command: 'payload',
      args: ['work_order.created'],
      options: {
        set: ['a=1', 'b=2'],
        header: ['X-A: 1'],
        timestampOffset: -600_000,
        strict: false,
        headers: false,
        json: false,
      },
    },
  ],
  [
    [
      'send',
      'a',
      'b',
      '--to',
      'http://127.0.0.1:1/',
      '--count',
      '3',
      '--concurrency',
      '2',
      '--no-log',
      '--scheme',
      'standard',
    ],
    {
      command: 'send',
      args: [['a', 'b']],
      options: {
        ...eventDefaults,
        to: 'http://127.0.0.1:1/',
        count: 3,
        concurrency: 2,
        log: false,
        scheme: 'standard',
        all: false,
        json: false,
      },
    },
  ],
  [
    ['listen'],
    {
      command: 'listen',
      args: [],
      options: {
        port: 4000,
        host: '127.0.0.1',
        strict: false,
        strictSchema: false,
        maxBody: 1024 * 1024,
        ui: false,
        json: false,
        log: true,
      },
    },
  ],
  [
    [
      'listen',
      '--port',
      '0',
      '--fail-rate',
      '0.25',
      '--seed',
      '7',
      '--forward-to',
      'http://127.0.0.1:3000/x',
      '--path',
      '/hook',
    ],
    {
      command: 'listen',
      args: [],
      options: {
        port: 0,
        host: '127.0.0.1',
        path: '/hook',
        strict: false,
        strictSchema: false,
        maxBody: 1024 * 1024,
        forwardTo: 'http://127.0.0.1:3000/x',
        failRate: 0.25,
        seed: 7,
        ui: false,
        json: false,
        log: true,
      },
    },
  ],
  [
    [
      'retry',
      'work_order.created',
      '--speed',
      '1000',
      '--deadline',
      '2s',
      '--max-attempts',
      '4',
      '--dry-run',
    ],
    {
      command: 'retry',
      args: ['work_order.created'],
      options: {
        ...eventDefaults,
        speed: 1000,
        deadline: 2000,
        maxAttempts: 4,
        dryRun: true,
        full: false,
        json: false,
        log: true,
      },
    },
  ],
  [
    [
      'verify',
      'http://127.0.0.1:1/',
      '--only',
      'signature.*,timestamp.*',
      '--skip',
      'deadline',
      '--reporter',
      'junit',
    ],
    {
      command: 'verify',
      args: ['http://127.0.0.1:1/'],
      options: { events: [], only: ['signature.*', 'timestamp.*'], skip: ['deadline'], reporter: 'junit' },
    },
  ],
  [
    ['scenario', 'work-order-lifecycle', '--shuffle', '--duplicate', '2', '--gap', '100'],
    {
      command: 'scenario',
      args: ['work-order-lifecycle'],
      options: {
        ...eventDefaults,
        list: false,
        gap: 100,
        shuffle: true,
        duplicate: 2,
        json: false,
        log: true,
      },
    },
  ],
  [
    ['scenario', '--list'],
    {
      command: 'scenario',
      args: [undefined],
      options: { ...eventDefaults, list: true, gap: 0, shuffle: false, duplicate: 0, json: false, log: true },
    },
  ],
  [
    ['init', '--to', 'http://x/', '--route', 'a.*=http://y/', '--route', 'b.*=http://z/', '--force'],
    {
      command: 'init',
      args: [],
      options: { to: 'http://x/', route: ['a.*=http://y/', 'b.*=http://z/'], force: true },
    },
  ],
  [['logs'], { command: 'list', args: [], options: { failed: false, json: false, follow: false } }],
  [
    ['logs', '--failed', '--direction', 'sent', '-f', '--limit', '0'],
    {
      command: 'list',
      args: [],
      options: { failed: true, direction: 'sent', follow: true, limit: 0, json: false },
    },
  ],
  [['logs', 'show', 'dlv_1', '--json'], { command: 'show', args: ['dlv_1'], options: { json: true } }],
  [
    ['logs', 'export', '--har', '-', '--since', '1d'],
    { command: 'export', args: [], options: { har: '-', since: '1d', failed: false } },
  ],
  [['logs', 'clear', '-y'], { command: 'clear', args: [], options: { yes: true } }],
  [
    ['replay', '--last', '3', '--resign', '--dry-run'],
    {
      command: 'replay',
      args: [[]],
      options: {
        last: 3,
        resign: true,
        dryRun: true,
        failed: false,
        concurrency: 1,
        timeout: 30_000,
        json: false,
        log: true,
      },
    },
  ],
];

describe('argv → options', () => {
  it.each(TABLE)('%j', async (argv, expected) => {
    expect(await parse(argv)).toEqual(expected);
  });

  it('has a row for every command', () => {
    const names = COMMANDS.flatMap((c) => (c.subcommands ?? [c]).map((s) => s.name));
    expect(new Set(TABLE.map(([, e]) => e.command))).toEqual(new Set(names));
  });

  it('names the flag in an invalid value, and commander refuses unknown flags', async () => {
    await expect(parse(['listen', '--port', 'eighty'])).rejects.toThrow(/--port: must be a whole number/);
    await expect(parse(['send', 'x', '--count', '0'])).rejects.toThrow(/--count: must be at least 1/);
    await expect(parse(['retry', 'x', '--deadline', 'soon'])).rejects.toThrow(
      /--deadline: must be a duration/,
    );
    await expect(parse(['logs', '--direction', 'up'])).rejects.toThrow(
      /--direction: must be sent or received/,
    );
    await expect(parse(['send', 'x', '--header', 'A: 1\nB: 2'])).rejects.toThrow(
      /--header: must not hold a line break/,
    );
    await expect(parse(['send', 'x', '--nope'])).rejects.toMatchObject({ code: 'commander.unknownOption' });
  });
});

/** The modules `--help` loads: static imports from the CLI's entry, not `import type` or dynamic ones. */
function staticGraph(entry: string): Set<string> {
  const seen = new Set<string>();
  const visit = (file: string) => {
    if (seen.has(file)) return;
    seen.add(file);
    if (!file.startsWith('/')) return;
    const text = readFileSync(file, 'utf8');
    for (const m of text.matchAll(/^import (?!type )[^'"]*?from '([^']+)';/gm)) {
      const spec = m[1]!;
      if (spec.startsWith('.')) visit(path.resolve(path.dirname(file), spec.replace(/\.js$/, '.ts')));
      else seen.add(spec);
    }
  };
  visit(entry);
  return seen;
}

describe('start-up', () => {
  it('builds the help of every command without loading zod or a command body', () => {
    const cli = fileURLToPath(new URL('../src/cli.ts', import.meta.url));
    const graph = [...staticGraph(cli)];
    expect(graph.filter((m) => m === 'zod' || m.startsWith('zod/'))).toEqual([]);
    expect(graph.filter((m) => /\/commands\/(send|listen|retry|verify|logs|replay)\.ts$/.test(m))).toEqual(
      [],
    );
    expect(graph.some((m) => m.endsWith('/commands/send/options.ts'))).toBe(true);
  });
});
