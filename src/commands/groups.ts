import { BUILTIN_PROVIDER_IDS } from '../core/providers/types.js';
import { SCHEME_IDS } from '../core/schemes/types.js';
import { flag } from './declare.js';
import type { Pieces } from './pieces.js';

/** Option groups several commands share, declared once. Plain data: nothing is checked until a command runs. */

export const PROVIDER_IDS = BUILTIN_PROVIDER_IDS.join(', ');
const SECRET_SOURCES = 'default: MES_WEBHOOKS_SECRET, the config file, then the development secret';
const collect = { repeatable: true } as const;

export const configOption = {
  config: flag('--config <file>', 'config file (default: ./mes-webhooks.config.json)', (p) =>
    p.text().optional(),
  ),
};

export const jsonOption = (help: string) => ({ json: flag('--json', help, (p) => p.off()) });

export const noLogOption = (help = 'do not write the delivery log') => ({
  log: flag('--no-log', help, (p) => p.on()),
});

/** Every command that reads or writes the delivery log can keep it in a shared database. */
export const logUrlOption = {
  logUrl: flag(
    '--log-url <url>',
    'keep the delivery log in PostgreSQL, shared by a team (default: MES_WEBHOOKS_LOG_URL, else the JSONL file)',
    (p) => p.text().optional(),
  ),
};

export const secretOption = (what = 'signing secret') => ({
  secret: flag('--secret <secret>', `${what} (${SECRET_SOURCES})`, (p) => p.text().optional()),
});

export const schemeOption = {
  scheme: flag(
    '--scheme <scheme>',
    `sign with this scheme instead of the provider's (${SCHEME_IDS.join(', ')}, or one from the config)`,
    (p) => p.scheme().optional(),
  ),
};

export const providerOption = (help: string, more?: string) => ({
  provider: flag('--provider <provider>', `${help} (${PROVIDER_IDS}${more ? `; ${more}` : ''})`, (p) =>
    p.provider().optional(),
  ),
});

/** The receiver a command sends to. */
export const targetOption = (help: string) => ({
  to: flag('--to <url>', help, (p) => p.text().optional()),
});

export const timeoutOption = (
  help = "give up on an answer after this long (default: the provider's deadline)",
) => ({
  timeout: flag('--timeout <ms>', help, (p) => p.int(1, 10 * 60_000).optional()),
});

export const seedOption = (help: string) => ({
  seed: flag('--seed <n>', help, (p) => p.int(0, 2 ** 32 - 1).optional()),
});

/** A header value with CR or LF would split the request: bad usage, not a network error. */
const headerLine = (p: Pieces) =>
  p.list().check((lines) => !lines.some((v) => /[\r\n]/.test(v)), 'must not hold a line break');

/** How an event is built and signed: what payload, send, retry and scenario share. */
export const eventOptions = {
  ...providerOption('pick the event from this provider'),
  ...schemeOption,
  ...secretOption(),
  set: flag(
    '--set <path=value>',
    'override a field by dot path with a JSON value (repeatable)',
    (p) => p.list(),
    collect,
  ),
  data: flag('--data <file>', 'deep-merge a JSON file into the payload', (p) => p.text().optional()),
  strict: flag(
    '--strict',
    'fail (exit 2) where the built event does not match its schema, instead of warning',
    (p) => p.off(),
  ),
  header: flag(
    '--header <"name: value">',
    'add or replace a request header (repeatable)',
    headerLine,
    collect,
  ),
  timestampOffset: flag(
    '--timestamp-offset <offset>',
    'build and sign with a skewed clock, e.g. -10m or +6m',
    (p) => p.offset().optional(),
  ),
  ...configOption,
};

/** Which logged deliveries: what logs, logs export and replay share. */
export const filterOptions = {
  event: flag('--event <glob>', 'only these events, e.g. work_order.*', (p) => p.text().optional()),
  ...providerOption("only this provider's"),
  direction: flag('--direction <direction>', 'only sent or only received deliveries', (p) =>
    p.oneOf(['sent', 'received'], 'must be sent or received').optional(),
  ),
  failed: flag('--failed', 'only deliveries not answered with 2xx', (p) => p.off()),
  since: flag('--since <when>', 'only deliveries since a duration ago (30m, 2h, 1d) or an ISO time', (p) =>
    p.text().optional(),
  ),
  schema: flag(
    '--schema <verdict>',
    'only received deliveries whose schema verdict is valid, invalid or unknown',
    (p) => p.oneOf(['valid', 'invalid', 'unknown'], 'must be valid, invalid or unknown').optional(),
  ),
};
