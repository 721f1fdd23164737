import { DEFAULT_HOST, DEFAULT_MAX_BODY_BYTES, DEFAULT_PORT } from '../../server/defaults.js';
import { flag, type CommandSpec } from '../declare.js';
import { configOption, jsonOption, logUrlOption, noLogOption, secretOption, seedOption } from '../groups.js';

const FRACTION = 'must be a number from 0 to 1';

export const listenOptions = {
  port: flag('--port <port>', `port to listen on (0: any free port; default: ${DEFAULT_PORT})`, (p) =>
    p.int(0, 65535).default(DEFAULT_PORT),
  ),
  host: flag('--host <host>', `address to bind (default: ${DEFAULT_HOST})`, (p) =>
    p.text().default(DEFAULT_HOST),
  ),
  path: flag('--path <path>', 'take deliveries only on this path', (p) =>
    p
      .text()
      .check((s) => /^\/[^\s?#]*$/.test(s), 'must start with / and hold no spaces, ? or #')
      .optional(),
  ),
  ...secretOption('secret to verify with'),
  strict: flag('--strict', 'answer 401 to invalid or missing signatures', (p) => p.off()),
  schemaCheck: flag(
    '--no-schema-check',
    "do not check bodies against their event's JSON Schema (no verdicts)",
    (p) => p.on(),
  ),
  strictSchema: flag(
    '--strict-schema',
    "answer 422, with the problems, to bodies that do not match their event's schema",
    (p) => p.off(),
  ),
  maxBody: flag('--max-body <bytes>', 'largest body taken; larger ones get 413 (default: 1 MiB)', (p) =>
    p.int(1, 1024 * 1024 * 1024).default(DEFAULT_MAX_BODY_BYTES),
  ),
  forwardTo: flag(
    '--forward-to <url>',
    "pass every delivery on to your app, exact bytes and headers, and answer with the app's answer",
    (p) => p.url(['http', 'https'], 'must be an http(s) URL').optional(),
  ),
  // A final answer: 1xx is never one.
  status: flag('--status <code>', 'answer every delivery with this status', (p) =>
    p.int(200, 599).optional(),
  ),
  delay: flag('--delay <ms>', 'wait this long before answering', (p) => p.int(0, 10 * 60_000).optional()),
  failFirst: flag('--fail-first <n>', 'answer 503 to the first N deliveries of each event id', (p) =>
    p.int(0, 1_000_000).optional(),
  ),
  failRate: flag('--fail-rate <p>', 'answer 503 to this share (0-1) of deliveries', (p) =>
    p
      .number(FRACTION)
      .check((n) => n >= 0 && n <= 1, FRACTION)
      .optional(),
  ),
  ...seedOption('seed for --fail-rate, for repeatable runs'),
  ui: flag('--ui', 'serve the live web inspector (its URL is printed on start)', (p) => p.off()),
  ...jsonOption('print one JSON object per delivery'),
  ...noLogOption(),
  ...logUrlOption,
  ...configOption,
};

export const listenSpec: CommandSpec = {
  name: 'listen',
  description: 'Receive webhooks locally: print, verify and log every delivery',
  options: listenOptions,
  examples: [
    'mes-webhooks listen',
    'mes-webhooks listen --forward-to http://localhost:3000/webhooks/mes --ui',
    'mes-webhooks listen --port 4001 --strict --json',
    'mes-webhooks listen --fail-first 3',
    'mes-webhooks listen --fail-rate 0.2 --seed 7 --delay 250',
  ],
  load: async () => (await import('../listen.js')).listenCommand,
};
