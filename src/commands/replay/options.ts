import { flag, type CommandSpec } from '../declare.js';
import {
  configOption,
  filterOptions,
  jsonOption,
  logUrlOption,
  noLogOption,
  secretOption,
  targetOption,
} from '../groups.js';

export const DEFAULT_REPLAY_TIMEOUT_MS = 30_000;

export const replayOptions = {
  ...filterOptions,
  last: flag('--last <n>', 'the last N deliveries (that match the filters)', (p) => p.int(1).optional()),
  ...targetOption(
    'where to send (default: where a sent delivery went, or the forward target of a received one)',
  ),
  resign: flag(
    '--resign',
    'fresh timestamps and signatures with the current secret, keeping the event id',
    (p) => p.off(),
  ),
  ...secretOption('secret for --resign'),
  dryRun: flag('--dry-run', 'show what would be sent, send nothing', (p) => p.off()),
  concurrency: flag('--concurrency <n>', 'replays in flight at once (default: 1)', (p) =>
    p.int(1, 256).default(1),
  ),
  timeout: flag(
    '--timeout <ms>',
    `give up on an answer after this long (default: ${DEFAULT_REPLAY_TIMEOUT_MS})`,
    (p) => p.int(1, 10 * 60_000).default(DEFAULT_REPLAY_TIMEOUT_MS),
  ),
  ...jsonOption('one JSON object per replay'),
  ...noLogOption('do not log the replays'),
  ...logUrlOption,
  ...configOption,
};

export const replaySpec: CommandSpec = {
  name: 'replay',
  description: 'Send logged deliveries again: exact bytes and headers, or re-signed with --resign',
  args: [['[deliveryIds...]', 'deliveries to replay']],
  options: replayOptions,
  examples: [
    'mes-webhooks replay dlv_mwrqgz0n2224e078db',
    'mes-webhooks replay --failed --to http://localhost:3000/webhooks/mes',
    "mes-webhooks replay --event 'quality.*' --since 2h --resign",
    'mes-webhooks replay --last 5 --dry-run',
  ],
  load: async () => (await import('../replay.js')).replayCommand,
};
