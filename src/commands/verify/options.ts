import { flag, type CommandSpec } from '../declare.js';
import { configOption, providerOption, schemeOption, secretOption, seedOption } from '../groups.js';

const REPORTERS = ['pretty', 'json', 'junit'] as const;

export const verifyOptions = {
  ...providerOption("which platform's deliveries to send", "default: the config's, else mes"),
  ...schemeOption,
  ...secretOption("the receiver's secret"),
  events: flag(
    '--events <globs>',
    'only these event types for signature.valid and --fuzz (comma-separated globs)',
    (p) => p.commaList(),
    { repeatable: true },
  ),
  only: flag(
    '--only <checks>',
    'run only these checks (comma-separated, globs like signature.*)',
    (p) => p.commaList(),
    {
      repeatable: true,
    },
  ),
  skip: flag('--skip <checks>', 'skip these checks', (p) => p.commaList(), { repeatable: true }),
  reporter: flag(
    '--reporter <reporter>',
    'output format (default: pretty)',
    (p) => p.oneOf(REPORTERS, 'must be pretty, json or junit').default('pretty'),
    { choices: REPORTERS },
  ),
  output: flag(
    '--output <file>',
    'write the report to a file (JUnit XML for CI with --reporter junit)',
    (p) => p.text().optional(),
  ),
  deadline: flag(
    '--deadline <duration>',
    "the answer-time limit (default: the platform's, e.g. 5s for MES)",
    (p) => p.duration().optional(),
  ),
  effectsUrl: flag(
    '--effects-url <url>',
    'a URL of your receiver answering how many times an event id was processed ({id} is replaced, else ?eventId= is added); runs idempotency.processed-once',
    (p) => p.text().optional(),
  ),
  fuzz: flag(
    '--fuzz',
    "instead of the fixed checks, send payloads generated from each event's schema (valid and invalid), shrinking each failure",
    (p) => p.off(),
  ),
  runs: flag('--runs <n>', 'with --fuzz: generated payloads per property (default: 100)', (p) =>
    p.int(1, 100_000).optional(),
  ),
  ...seedOption('with --fuzz: the seed that makes a run repeatable (default: random, always printed)'),
  timeLimit: flag(
    '--time-limit <duration>',
    'with --fuzz: stop generating after this long (default: 60s)',
    (p) => p.duration().optional(),
  ),
  ...configOption,
};

export const verifySpec: CommandSpec = {
  name: 'verify',
  description:
    'Check a running receiver for correctness: signatures, raw bytes, idempotency, ordering, deadlines',
  args: [['<url>', 'the receiver to check']],
  options: verifyOptions,
  examples: [
    'mes-webhooks verify http://localhost:3000/webhooks/mes',
    'mes-webhooks verify http://localhost:3000/webhooks/katana --provider katana --reporter junit --output verify.xml',
    'mes-webhooks verify http://localhost:3000/webhooks/mes --fuzz --runs 200 --seed 42',
    'mes-webhooks verify http://localhost:3000/hooks --only \'signature.*\' --secret "$HOOK_SECRET"',
  ],
  load: async () => (await import('../verify.js')).verifyCommand,
};
