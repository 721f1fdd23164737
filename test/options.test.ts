import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { COMMANDS } from '../src/commands/index.js';
import { parseDeclared } from '../src/commands/pieces.js';
import { buildProgram, commandIn, EVERY } from '../src/program.js';

/** What commander and the declarations make of argv: the command, its arguments, its parsed options. */
async function parse(argv: string[]) {
  let seen: { command: string; args: unknown[]; options: Record<string, unknown> } | undefined;
  let output = '';
  const sink = { write: (text: string) => (output += text) };
  const program = buildProgram(
    { stdout: sink, stderr: sink },
    async (spec, args, raw) => {
      seen = {
        command: spec.name,
        args,
        options: parseDeclared(spec.options, raw) as Record<string, unknown>,
      };
    },
    EVERY,
  );
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
        schemaCheck: true,
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
        schemaCheck: true,
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
      options: {
        events: [],
        only: ['signature.*', 'timestamp.*'],
        skip: ['deadline'],
        reporter: 'junit',
        fuzz: false,
      },
    },
  ],
  [
    [
      'verify',
      'http://127.0.0.1:1/',
      '--fuzz',
      '--runs',
      '50',
      '--seed',
      '42',
      '--events',
      'quality.*',
      '--time-limit',
      '30s',
    ],
    {
      command: 'verify',
      args: ['http://127.0.0.1:1/'],
      options: {
        events: ['quality.*'],
        only: [],
        skip: [],
        reporter: 'pretty',
        fuzz: true,
        runs: 50,
        seed: 42,
        timeLimit: 30_000,
      },
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
  [
    ['logs', 'export', '--jsonl', 'h.jsonl', '--log-url', 'postgres://db/x'],
    { command: 'export', args: [], options: { jsonl: 'h.jsonl', logUrl: 'postgres://db/x', failed: false } },
  ],
  [
    ['logs', 'import', 'h.jsonl', '--log-url', 'postgres://db/x'],
    { command: 'import', args: ['h.jsonl'], options: { logUrl: 'postgres://db/x' } },
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
  [
    ['export', 'asyncapi', '--provider', 'katana', '--format', 'yaml'],
    { command: 'export', args: ['asyncapi'], options: { provider: 'katana', format: 'yaml' } },
  ],
  [
    [
      'capture',
      'dlv_1',
      'dlv_2',
      '--redact',
      '/data/customer/email',
      '--redact',
      '/data/note',
      '--scenario',
      'staging-flow',
      '--keep-gaps',
      '--force',
    ],
    {
      command: 'capture',
      args: [['dlv_1', 'dlv_2']],
      options: {
        redact: ['/data/customer/email', '/data/note'],
        scenario: 'staging-flow',
        keepGaps: true,
        force: true,
        json: false,
      },
    },
  ],
  [
    ['capture', '--last', '3', '--event', 'work_order.*', '--since', '1h', '--json'],
    {
      command: 'capture',
      args: [[]],
      options: {
        last: 3,
        event: 'work_order.*',
        since: '1h',
        redact: [],
        keepGaps: false,
        force: false,
        json: true,
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
    await expect(parse(['capture', '--scenario', 'My Flow'])).rejects.toThrow(
      /--scenario: must be lowercase letters, digits and -/,
    );
    await expect(parse(['send', 'x', '--count', '1.5'])).rejects.toThrow(/--count: must be a whole number/);
    await expect(parse(['send', 'x', '--concurrency', '2000'])).rejects.toThrow(
      /--concurrency: must be at most 1024/,
    );
    await expect(parse(['retry', 'x', '--speed', '0'])).rejects.toThrow(/--speed: must be above 0/);
    await expect(parse(['retry', 'x', '--speed', 'Infinity'])).rejects.toThrow(/--speed: must be a number/);
    await expect(parse(['listen', '--fail-rate', '1.5'])).rejects.toThrow(
      /--fail-rate: must be a number from 0 to 1/,
    );
    await expect(parse(['listen', '--forward-to', 'ftp://x'])).rejects.toThrow(
      /--forward-to: must be an http\(s\) URL/,
    );
    await expect(parse(['listen', '--path', 'hook'])).rejects.toThrow(/--path: must start with \//);
    // A final answer: a 1xx status is never one.
    await expect(parse(['listen', '--status', '100'])).rejects.toThrow(/--status: must be at least 200/);
    await expect(parse(['payload', 'x', '--timestamp-offset', '-200y'])).rejects.toThrow(
      /--timestamp-offset: must be a duration/,
    );
    await expect(parse(['send', 'x', '--to', ''])).rejects.toThrow(/--to: must not be empty/);
    await expect(parse(['send', 'x', '--provider', 'acme'])).rejects.toThrow(
      /--provider: must be one of mes/,
    );
    await expect(parse(['send', 'x', '--nope'])).rejects.toMatchObject({ code: 'commander.unknownOption' });
  });

  it('takes the values each piece accepts', async () => {
    const listen = await parse([
      'listen',
      '--fail-rate',
      '0.25',
      '--forward-to',
      'https://app.test/h',
      '--no-schema-check',
    ]);
    expect(listen.options).toMatchObject({
      failRate: 0.25,
      forwardTo: 'https://app.test/h',
      schemaCheck: false,
    });
    const retry = await parse(['retry', 'x', '--speed', '1e3', '--timestamp-offset', '+6m']);
    expect(retry.options).toMatchObject({ speed: 1000, timestampOffset: 360_000 });
    const verify = await parse([
      'verify',
      'http://x',
      '--only',
      'a,b',
      '--only',
      ' c ',
      '--reporter',
      'junit',
    ]);
    expect(verify.options).toMatchObject({ only: ['a', 'b', 'c'], reporter: 'junit' });
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

/** What the program prints for argv: built whole, or with only the running command's options. */
async function printed(argv: string[], running: string | undefined | typeof EVERY): Promise<string> {
  let output = '';
  const sink = { write: (text: string) => (output += text) };
  const program = buildProgram({ stdout: sink, stderr: sink }, async () => {}, running);
  await program.parseAsync(argv, { from: 'user' }).catch(() => undefined);
  return output;
}

describe('start-up', () => {
  it.each([
    [['--help']],
    [['send', '--help']],
    [['logs', '--help']],
    [['help', 'verify']],
    [['sned']],
    [['send', 'x', '--cuont', '3']],
    [['--bogus']],
    [[]],
    [['logs', 'list', '--help']],
    [['help', 'logs', 'list']],
    [['help', 'sned']],
    [['logs', 'lst']],
  ])('prints the same for %j with only the running command built', async (argv) => {
    const whole = await printed(argv, EVERY);
    expect(whole).not.toBe('');
    expect(await printed(argv, commandIn(argv))).toEqual(whole);
  });

  it('builds the help of every command without loading zod or a command body', () => {
    const cli = fileURLToPath(new URL('../src/cli.ts', import.meta.url));
    const graph = [...staticGraph(cli)];
    expect(graph.filter((m) => m === 'zod' || m.startsWith('zod/'))).toEqual([]);
    expect(graph.filter((m) => /\/commands\/(send|listen|retry|verify|logs|replay)\.ts$/.test(m))).toEqual(
      [],
    );
    expect(graph.some((m) => m.endsWith('/commands/send/options.ts'))).toBe(true);
    // The database client loads only when a log URL is given.
    expect(graph.filter((m) => m === 'pg' || m.endsWith('/io/pg-log.ts'))).toEqual([]);
  });

  it('runs events, payload and send, options checked, without loading zod', () => {
    for (const command of ['events', 'payload', 'send', 'pieces']) {
      const file = fileURLToPath(new URL(`../src/commands/${command}.ts`, import.meta.url));
      const graph = [...staticGraph(file)];
      expect(graph.filter((m) => m === 'zod' || m.endsWith('/core/zod.ts'))).toEqual([]);
    }
  });
});

describe('--config', () => {
  it('is taken by every command, since every command reads the config file (init writes it)', () => {
    const specs = COMMANDS.flatMap((c) => [c, ...(c.subcommands ?? [])]);
    const without = specs.filter((s) => s.load && !('config' in s.options)).map((s) => s.name);
    expect(without).toEqual([]);
  });
});
