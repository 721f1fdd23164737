import { flag, type CommandSpec } from '../declare.js';
import { configOption, jsonOption } from '../groups.js';

export const captureOptions = {
  last: flag('--last <n>', 'the newest N received deliveries (default 1 when no id is named)', (p) =>
    p.int(1, 10_000).optional(),
  ),
  event: flag('--event <glob>', 'only deliveries of these events, e.g. work_order.*', (p) =>
    p.text().optional(),
  ),
  since: flag('--since <when>', 'only deliveries since a duration ago (30m, 2h, 1d) or an ISO time', (p) =>
    p.text().optional(),
  ),
  redact: flag(
    '--redact <pointer>',
    'also fake the value at this JSON Pointer, e.g. /data/customer/email (repeatable; emails, phone numbers and tokens are faked anyway)',
    (p) => p.list(),
    { repeatable: true },
  ),
  scenario: flag(
    '--scenario <name>',
    'write the deliveries as one scenario file, in the order they came',
    (p) =>
      p
        .text()
        .check((s) => /^[a-z0-9][a-z0-9-]*$/.test(s), 'must be lowercase letters, digits and -')
        .optional(),
  ),
  keepGaps: flag('--keep-gaps', 'with --scenario: each step waits as long as the original did', (p) =>
    p.off(),
  ),
  force: flag('--force', 'overwrite fixtures or a scenario file that are already there', (p) => p.off()),
  ...jsonOption('print what was written and the drift report as one JSON object'),
  ...configOption,
};

export const captureSpec: CommandSpec = {
  name: 'capture',
  description:
    'Turn received deliveries from the log into fixtures or a scenario, redacted, with a drift report',
  args: [['[deliveryIds...]', 'logged received deliveries (default: the newest, or --last N)']],
  options: captureOptions,
  examples: [
    'mes-webhooks capture --last 3 --redact /data/customer/name',
    'mes-webhooks capture dlv_7Hq2 --force',
    'mes-webhooks capture --event "work_order.*" --since 1h --scenario staging-flow --keep-gaps',
  ],
  load: async () => (await import('../capture.js')).captureCommand,
};
