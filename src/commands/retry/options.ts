import { flag, type CommandSpec } from '../declare.js';
import { eventOptions, jsonOption, logUrlOption, noLogOption, seedOption, targetOption } from '../groups.js';

export const retryOptions = {
  ...eventOptions,
  ...targetOption('receiver URL (default: MES_WEBHOOKS_URL, then the config file)'),
  schedule: flag(
    '--schedule <schedule>',
    'mes, katana, standard, a list like "0,5s,30s,5m", or exponential[:base=1s,factor=2,cap=1h,jitter=0.1,attempts=8]',
    (p) => p.text().optional(),
  ),
  speed: flag('--speed <x>', 'divide every delay by X (1000: the 35-minute MES schedule in about 2 s)', (p) =>
    p
      .number('must be a number')
      .check((n) => n > 0, 'must be above 0')
      .default(1),
  ),
  maxAttempts: flag('--max-attempts <n>', 'stop after N attempts', (p) => p.int(1, 1000).optional()),
  deadline: flag(
    '--deadline <duration>',
    "count slower answers as failures (default: the platform's, e.g. 5s for MES)",
    (p) => p.duration().optional(),
  ),
  ...seedOption('seed for exponential jitter'),
  full: flag('--full', 'go on after "marked failed" into the daily attempts (MES: 7 days more)', (p) =>
    p.off(),
  ),
  dryRun: flag('--dry-run', 'print the timeline and a chart, send nothing', (p) => p.off()),
  ...jsonOption('one JSON object per attempt, then a summary'),
  ...noLogOption('do not log the attempts'),
  ...logUrlOption,
};

export const retrySpec: CommandSpec = {
  name: 'retry',
  description: "Play a platform's delivery and retry rules against a receiver, in compressed time",
  args: [['<event>', 'event type, e.g. work_order.created']],
  options: retryOptions,
  examples: [
    'mes-webhooks retry work_order.created --dry-run',
    'mes-webhooks retry work_order.created --to http://127.0.0.1:4000/ --speed 1000',
    'mes-webhooks retry sales_order.packed --to http://localhost:3000/katana --speed 100',
    'mes-webhooks retry work_order.created --schedule "0,1s,5s" --to http://localhost:3000/hook',
  ],
  load: async () => (await import('../retry.js')).retryCommand,
};
