import { flag, type CommandSpec } from '../declare.js';
import { configOption, filterOptions, jsonOption, logUrlOption } from '../groups.js';

export const logsListOptions = {
  ...filterOptions,
  limit: flag('--limit <n>', 'show at most N (default 50 in a table, all with --json; 0 for all)', (p) =>
    p.int(0).optional(),
  ),
  ...jsonOption('one JSON object per delivery'),
  follow: flag('-f, --follow', 'keep printing deliveries as they are logged', (p) => p.off()),
  ...logUrlOption,
  ...configOption,
};

export const logsShowOptions = {
  ...jsonOption('print the record and its chain as JSON'),
  ...logUrlOption,
  ...configOption,
};

export const logsExportOptions = {
  ...filterOptions,
  har: flag('--har <file>', 'the HAR file to write (- for stdout)', (p) =>
    p.text(1, 'names the file to write').optional(),
  ),
  jsonl: flag(
    '--jsonl <file>',
    'write the records as JSONL, byte for byte as the file log holds them (- for stdout)',
    (p) => p.text(1, 'names the file to write').optional(),
  ),
  ...logUrlOption,
  ...configOption,
};

export const logsImportOptions = { ...logUrlOption, ...configOption };

export const logsClearOptions = {
  yes: flag('-y, --yes', 'do not ask', (p) => p.off()),
  ...logUrlOption,
  ...configOption,
};

export const logsSpec: CommandSpec = {
  name: 'logs',
  description: 'Search, show, follow and export the delivery log',
  options: {},
  examples: [
    'mes-webhooks logs',
    "mes-webhooks logs --event 'quality.*' --failed",
    'mes-webhooks logs show dlv_mwrqgz0n2224e078db',
    'mes-webhooks logs --follow',
    'mes-webhooks logs export --har deliveries.har',
  ],
  subcommands: [
    {
      name: 'list',
      description: 'List deliveries, newest first',
      isDefault: true,
      options: logsListOptions,
      examples: ["mes-webhooks logs --event 'work_order.*' --since 1h", 'mes-webhooks logs --failed --json'],
      load: async () => (await import('../logs.js')).logsCommand,
    },
    {
      name: 'show',
      description: 'Show one delivery: request, response, timing, and its attempts, forwards and replays',
      args: [['<deliveryId>', 'the id shown by logs, send or listen']],
      options: logsShowOptions,
      examples: ['mes-webhooks logs show dlv_mwrqgz0n2224e078db'],
      load: async () => (await import('../logs.js')).logsShowCommand,
    },
    {
      name: 'export',
      description: 'Write deliveries as a HAR 1.2 file for browser devtools, or as JSONL to move them',
      options: logsExportOptions,
      examples: [
        'mes-webhooks logs export --har deliveries.har --since 1d',
        'mes-webhooks logs export --har - | jq',
        'mes-webhooks logs export --jsonl history.jsonl --log-url postgres://localhost/webhooks',
      ],
      load: async () => (await import('../logs.js')).logsExportCommand,
    },
    {
      name: 'import',
      description: 'Add the deliveries of a JSONL file (an export, or a deliveries.jsonl) to the log',
      args: [['<file>', 'the JSONL file to read']],
      options: logsImportOptions,
      examples: [
        'mes-webhooks logs import .mes-webhooks/deliveries.jsonl --log-url postgres://localhost/webhooks',
      ],
      load: async () => (await import('../logs-move.js')).logsImportCommand,
    },
    {
      name: 'clear',
      description: 'Delete the delivery log (asks first)',
      options: logsClearOptions,
      examples: ['mes-webhooks logs clear', 'mes-webhooks logs clear --yes'],
      load: async () => (await import('../logs.js')).logsClearCommand,
    },
  ],
};
