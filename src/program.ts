import { Command, Option } from 'commander';
import { BUILTIN_PROVIDER_IDS } from './core/providers/types.js';
import { SCHEME_IDS } from './core/schemes/types.js';
import type { Context } from './ui/context.js';
import { VERSION } from './version.js';

const PROVIDER_IDS = BUILTIN_PROVIDER_IDS.join(', ');

/** Repeatable options collect into a list. */
function collect(value: string, previous: string[] = []): string[] {
  return [...previous, value];
}
const SCHEME_HELP = `sign with this scheme instead of the provider's (${SCHEME_IDS.join(', ')}, or one from the config)`;

function examples(...lines: string[]): string {
  return `\nExamples:\n${lines.map((l) => `  $ ${l}`).join('\n')}\n`;
}

/** Declares every command; each action loads its module only when it runs, to keep start-up fast. */
export function buildProgram(ctx: Context, setExitCode: (code: number) => void): Command {
  const program = new Command('mes-webhooks')
    .description(
      'Build, send, receive, log and replay signed webhooks from MES, Katana MRP, Tracktile and Betterez, offline.',
    )
    .version(VERSION, '-v, --version')
    .showSuggestionAfterError(true)
    .configureOutput({
      writeOut: (text) => ctx.stdout.write(text),
      writeErr: (text) => ctx.stderr.write(text),
    })
    .addHelpText(
      'after',
      examples(
        'mes-webhooks send work_order.created',
        'mes-webhooks listen',
        'mes-webhooks send --all --to http://localhost:3000/webhooks',
      ),
    );

  const run = (load: () => Promise<number>) => async () => setExitCode(await load());
  // --log-url reaches the store through the environment, like MES_WEBHOOKS_LOG_URL, so commands need no option for it.
  program.hook('preAction', (_, action) => {
    const url = action.opts().logUrl as string | undefined;
    if (url !== undefined) ctx.env = { ...ctx.env, MES_WEBHOOKS_LOG_URL: url };
  });
  const logUrl = (cmd: Command) =>
    cmd.option(
      '--log-url <url>',
      'keep the delivery log in PostgreSQL, shared by a team (default: MES_WEBHOOKS_LOG_URL, else the JSONL file)',
    );

  program
    .command('events')
    .description('List the event types of the catalog')
    .option('--provider <provider>', `only this provider's events (${PROVIDER_IDS})`)
    .option('--json', 'print the catalog as JSON')
    .addHelpText('after', examples('mes-webhooks events --provider katana', 'mes-webhooks events --json'))
    .action((opts) => run(async () => (await import('./commands/events.js')).eventsCommand(ctx, opts))());

  const eventOptions = (cmd: Command) =>
    cmd
      .option('--provider <provider>', `pick the event from this provider (${PROVIDER_IDS})`)
      .option('--scheme <scheme>', SCHEME_HELP)
      .option(
        '--secret <secret>',
        'signing secret (default: MES_WEBHOOKS_SECRET, the config file, then the development secret)',
      )
      .option('--set <path=value>', 'override a field by dot path with a JSON value (repeatable)', collect)
      .option('--data <file>', 'deep-merge a JSON file into the payload')
      .option('--header <"name: value">', 'add or replace a request header (repeatable)', collect)
      .option('--timestamp-offset <offset>', 'build and sign with a skewed clock, e.g. -10m or +6m')
      .option('--config <file>', 'config file (default: ./mes-webhooks.config.json)');

  eventOptions(
    program
      .command('payload')
      .description('Print the exact body (and with --headers the signed headers) that send would send')
      .argument('<event>', 'event type, e.g. work_order.created'),
  )
    .option('--headers', 'print the signed headers as "name: value" lines before the body')
    .option('--json', 'print {event, provider, headers, body} as JSON')
    .addHelpText(
      'after',
      examples(
        'mes-webhooks payload work_order.created',
        'mes-webhooks payload sales_order.delivered --headers --set object.id=42',
      ),
    )
    .action((event: string, opts) =>
      run(async () => (await import('./commands/payload.js')).payloadCommand(ctx, event, opts))(),
    );

  eventOptions(
    program
      .command('send')
      .description('Build fresh signed events and POST them to a receiver')
      .argument('[events...]', 'event types to send (asks on a terminal when none is given)'),
  )
    .option('--all', 'send every event type (of --provider, if given)')
    .option(
      '--to <url>',
      'receiver URL (default: MES_WEBHOOKS_URL, the config file, else a listener started here)',
    )
    .option('--count <n>', 'send each event this many times (a load test)')
    .option('--concurrency <n>', 'requests in flight at once')
    .option('--timeout <ms>', "give up on an answer after this long (default: the provider's deadline)")
    .option('--json', 'print one JSON object per delivery (and a summary for several)')
    .option('--no-log', 'do not write the delivery log')
    .addHelpText(
      'after',
      examples(
        'mes-webhooks send work_order.created',
        'mes-webhooks send work_order.created --to http://localhost:3000/webhooks/mes',
        'mes-webhooks send --all --provider katana --to http://localhost:3000/webhooks/katana',
        'mes-webhooks send work_order.created --set data.workOrder.quantity=250 --set \'data.workOrder.product="Gear"\'',
        'mes-webhooks send work_order.created --count 1000 --concurrency 16 --to http://localhost:3000/hook',
      ),
    )
    .action((events: string[], opts) =>
      run(async () => (await import('./commands/send.js')).sendCommand(ctx, events, opts))(),
    );

  program
    .command('listen')
    .description('Receive webhooks locally: print, verify and log every delivery')
    .option('--port <port>', 'port to listen on (0: any free port)', '4000')
    .option('--host <host>', 'address to bind', '127.0.0.1')
    .option('--path <path>', 'take deliveries only on this path')
    .option(
      '--secret <secret>',
      'secret to verify with (default: MES_WEBHOOKS_SECRET, the config file, then the development secret)',
    )
    .option('--strict', 'answer 401 to invalid or missing signatures')
    .option('--max-body <bytes>', 'largest body taken; larger ones get 413 (default: 1 MiB)')
    .option(
      '--forward-to <url>',
      "pass every delivery on to your app, exact bytes and headers, and answer with the app's answer",
    )
    .option('--status <code>', 'answer every delivery with this status')
    .option('--delay <ms>', 'wait this long before answering')
    .option('--fail-first <n>', 'answer 503 to the first N deliveries of each event id')
    .option('--fail-rate <p>', 'answer 503 to this share (0-1) of deliveries')
    .option('--seed <n>', 'seed for --fail-rate, for repeatable runs')
    .option('--ui', 'serve the live web inspector (its URL is printed on start)')
    .option('--json', 'print one JSON object per delivery')
    .option('--no-log', 'do not write the delivery log')
    .option('--config <file>', 'config file (default: ./mes-webhooks.config.json)')
    .addHelpText(
      'after',
      examples(
        'mes-webhooks listen',
        'mes-webhooks listen --forward-to http://localhost:3000/webhooks/mes --ui',
        'mes-webhooks listen --port 4001 --strict --json',
        'mes-webhooks listen --fail-first 3',
        'mes-webhooks listen --fail-rate 0.2 --seed 7 --delay 250',
      ),
    )
    .action((opts) => run(async () => (await import('./commands/listen.js')).listenCommand(ctx, opts))());

  eventOptions(
    program
      .command('retry')
      .description("Play a platform's delivery and retry rules against a receiver, in compressed time")
      .argument('<event>', 'event type, e.g. work_order.created'),
  )
    .option('--to <url>', 'receiver URL (default: MES_WEBHOOKS_URL, then the config file)')
    .option(
      '--schedule <schedule>',
      'mes, katana, standard, a list like "0,5s,30s,5m", or exponential[:base=1s,factor=2,cap=1h,jitter=0.1,attempts=8]',
    )
    .option('--speed <x>', 'divide every delay by X (1000: the 35-minute MES schedule in about 2 s)')
    .option('--max-attempts <n>', 'stop after N attempts')
    .option(
      '--deadline <duration>',
      "count slower answers as failures (default: the platform's, e.g. 5s for MES)",
    )
    .option('--seed <n>', 'seed for exponential jitter')
    .option('--dry-run', 'print the timeline and a chart, send nothing')
    .option('--json', 'one JSON object per attempt, then a summary')
    .option('--no-log', 'do not log the attempts')
    .addHelpText(
      'after',
      examples(
        'mes-webhooks retry work_order.created --dry-run',
        'mes-webhooks retry work_order.created --to http://127.0.0.1:4000/ --speed 1000',
        'mes-webhooks retry sales_order.packed --to http://localhost:3000/katana --speed 100',
        'mes-webhooks retry work_order.created --schedule "0,1s,5s" --to http://localhost:3000/hook',
      ),
    )
    .action((event: string, opts) =>
      run(async () => (await import('./commands/retry.js')).retryCommand(ctx, event, opts))(),
    );

  program
    .command('verify')
    .description(
      'Check a running receiver for correctness: signatures, raw bytes, idempotency, ordering, deadlines',
    )
    .argument('<url>', 'the receiver to check')
    .option(
      '--provider <provider>',
      `which platform's deliveries to send (${PROVIDER_IDS}; default: the config's, else mes)`,
    )
    .option('--scheme <scheme>', SCHEME_HELP)
    .option(
      '--secret <secret>',
      "the receiver's secret (default: MES_WEBHOOKS_SECRET, the config file, the development secret)",
    )
    .option('--events <globs>', 'only these event types for signature.valid (comma-separated globs)', collect)
    .option('--only <checks>', 'run only these checks (comma-separated, globs like signature.*)', collect)
    .option('--skip <checks>', 'skip these checks', collect)
    .addOption(
      new Option('--reporter <reporter>', 'output format')
        .choices(['pretty', 'json', 'junit'])
        .default('pretty'),
    )
    .option('--output <file>', 'write the report to a file (JUnit XML for CI with --reporter junit)')
    .option('--deadline <duration>', "the answer-time limit (default: the platform's, e.g. 5s for MES)")
    .option('--config <file>', 'config file (default: ./mes-webhooks.config.json)')
    .addHelpText(
      'after',
      examples(
        'mes-webhooks verify http://localhost:3000/webhooks/mes',
        'mes-webhooks verify http://localhost:3000/webhooks/katana --provider katana --reporter junit --output verify.xml',
        'mes-webhooks verify http://localhost:3000/hooks --only \'signature.*\' --secret "$HOOK_SECRET"',
      ),
    )
    .action((url: string, opts) =>
      run(async () => (await import('./commands/verify.js')).verifyCommand(ctx, url, opts))(),
    );

  eventOptions(
    program
      .command('scenario')
      .description('Send an ordered sequence of events that share ids: a lifecycle, in order or not')
      .argument('[name]', 'a scenario name (see --list) or a scenario file ending in .json'),
  )
    .option('--list', 'list the scenarios')
    .option(
      '--to <url>',
      'receiver URL (default: config routes, MES_WEBHOOKS_URL, the config file, else a listener started here)',
    )
    .option('--gap <ms>', 'wait this long between deliveries')
    .option('--shuffle', 'deliver the steps in a random order')
    .option('--duplicate <n>', 'deliver N steps a second time, byte for byte')
    .option('--seed <n>', 'seed for --shuffle and --duplicate, for repeatable runs')
    .option('--timeout <ms>', "give up on an answer after this long (default: the provider's deadline)")
    .option('--json', 'one JSON object per delivery')
    .option('--no-log', 'do not write the delivery log')
    .addHelpText(
      'after',
      examples(
        'mes-webhooks scenario --list',
        'mes-webhooks scenario work-order-lifecycle --to http://localhost:3000/webhooks/mes',
        'mes-webhooks scenario work-order-lifecycle --shuffle --duplicate 2 --seed 7 --to http://localhost:3000/hook',
        'mes-webhooks scenario ./my-scenario.json --gap 500',
      ),
    )
    .action((name: string | undefined, opts) =>
      run(async () => (await import('./commands/scenario.js')).scenarioCommand(ctx, name, opts))(),
    );

  program
    .command('init')
    .description('Write a mes-webhooks.config.json, asking a few questions (or from flags off a terminal)')
    .option('--to <url>', 'default target')
    .option('--provider <provider>', `default provider (${PROVIDER_IDS})`)
    .option('--secret-env <name>', 'the environment variable that holds the secret')
    .option('--route <glob=url>', 'send events matching the glob to this URL (repeatable)', collect)
    .option('--force', 'replace an existing config file')
    .option('--config <file>', 'where to write it (default: ./mes-webhooks.config.json)')
    .addHelpText(
      'after',
      examples(
        'mes-webhooks init',
        'mes-webhooks init --to http://localhost:3000/webhooks/mes --provider mes --secret-env MES_WEBHOOK_SECRET',
        'mes-webhooks init --to http://localhost:3000/hooks --route "quality.*=http://localhost:3001/qa"',
      ),
    )
    .action((opts) => run(async () => (await import('./commands/init.js')).initCommand(ctx, opts))());

  const filterOptions = (cmd: Command) =>
    cmd
      .option('--event <glob>', 'only these events, e.g. work_order.* ')
      .option('--provider <provider>', `only this provider's (${PROVIDER_IDS})`)
      .option('--direction <direction>', 'only sent or only received deliveries')
      .option('--failed', 'only deliveries not answered with 2xx')
      .option('--since <when>', 'only deliveries since a duration ago (30m, 2h, 1d) or an ISO time');

  const logs = program
    .command('logs')
    .description('Search, show, follow and export the delivery log')
    .addHelpText(
      'after',
      examples(
        'mes-webhooks logs',
        "mes-webhooks logs --event 'quality.*' --failed",
        'mes-webhooks logs show dlv_mwrqgz0n2224e078db',
        'mes-webhooks logs --follow',
        'mes-webhooks logs export --har deliveries.har',
      ),
    );
  filterOptions(logs.command('list', { isDefault: true }).description('List deliveries, newest first'))
    .option('--limit <n>', 'show at most N (default 50 in a table, all with --json; 0 for all)')
    .option('--json', 'one JSON object per delivery')
    .option('-f, --follow', 'keep printing deliveries as they are logged')
    .addHelpText(
      'after',
      examples("mes-webhooks logs --event 'work_order.*' --since 1h", 'mes-webhooks logs --failed --json'),
    )
    .action((opts) => run(async () => (await import('./commands/logs.js')).logsCommand(ctx, opts))());
  logs
    .command('show')
    .description('Show one delivery: request, response, timing, and its attempts, forwards and replays')
    .argument('<deliveryId>', 'the id shown by logs, send or listen')
    .option('--json', 'print the record and its chain as JSON')
    .addHelpText('after', examples('mes-webhooks logs show dlv_mwrqgz0n2224e078db'))
    .action((id: string, opts) =>
      run(async () => (await import('./commands/logs.js')).logsShowCommand(ctx, id, opts))(),
    );
  filterOptions(
    logs
      .command('export')
      .description('Write deliveries as a HAR 1.2 file for browser devtools, or as JSONL to move them'),
  )
    .option('--har <file>', 'the HAR file to write')
    .option('--jsonl <file>', 'write the records as JSONL, byte for byte as the file log holds them')
    .addHelpText(
      'after',
      examples(
        'mes-webhooks logs export --har deliveries.har --since 1d',
        'mes-webhooks logs export --jsonl history.jsonl --log-url postgres://localhost/webhooks',
      ),
    )
    .action((opts) => run(async () => (await import('./commands/logs.js')).logsExportCommand(ctx, opts))());
  logs
    .command('import')
    .description('Add the deliveries of a JSONL file (an export, or a deliveries.jsonl) to the log')
    .argument('<file>', 'the JSONL file to read')
    .addHelpText(
      'after',
      examples(
        'mes-webhooks logs import .mes-webhooks/deliveries.jsonl --log-url postgres://localhost/webhooks',
      ),
    )
    .action((file: string) =>
      run(async () => (await import('./commands/logs-move.js')).logsImportCommand(ctx, file))(),
    );
  logs
    .command('clear')
    .description('Delete the delivery log (asks first)')
    .option('-y, --yes', 'do not ask')
    .addHelpText('after', examples('mes-webhooks logs clear', 'mes-webhooks logs clear --yes'))
    .action((opts) => run(async () => (await import('./commands/logs.js')).logsClearCommand(ctx, opts))());

  filterOptions(
    program
      .command('replay')
      .description('Send logged deliveries again: exact bytes and headers, or re-signed with --resign')
      .argument('[deliveryIds...]', 'deliveries to replay'),
  )
    .option('--last <n>', 'the last N deliveries (that match the filters)')
    .option(
      '--to <url>',
      'where to send (default: where a sent delivery went, or the forward target of a received one)',
    )
    .option('--resign', 'fresh timestamps and signatures with the current secret, keeping the event id')
    .option(
      '--secret <secret>',
      'secret for --resign (default: MES_WEBHOOKS_SECRET, the config file, the development secret)',
    )
    .option('--dry-run', 'show what would be sent, send nothing')
    .option('--concurrency <n>', 'replays in flight at once')
    .option('--timeout <ms>', 'give up on an answer after this long (default 30000)')
    .option('--json', 'one JSON object per replay')
    .option('--no-log', 'do not log the replays')
    .option('--config <file>', 'config file (default: ./mes-webhooks.config.json)')
    .addHelpText(
      'after',
      examples(
        'mes-webhooks replay dlv_mwrqgz0n2224e078db',
        'mes-webhooks replay --failed --to http://localhost:3000/webhooks/mes',
        "mes-webhooks replay --event 'quality.*' --since 2h --resign",
        'mes-webhooks replay --last 5 --dry-run',
      ),
    )
    .action((ids: string[], opts) =>
      run(async () => (await import('./commands/replay.js')).replayCommand(ctx, ids, opts))(),
    );

  // Every command that reads or writes the delivery log can keep it in a database.
  for (const cmd of program.commands) {
    if (['send', 'listen', 'retry', 'scenario', 'replay'].includes(cmd.name())) logUrl(cmd);
    if (cmd.name() === 'logs') cmd.commands.forEach(logUrl);
  }
  return program;
}
