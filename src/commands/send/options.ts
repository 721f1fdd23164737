import { flag, type CommandSpec } from '../declare.js';
import {
  eventOptions,
  jsonOption,
  logUrlOption,
  noLogOption,
  targetOption,
  timeoutOption,
} from '../groups.js';

const MAX_COUNT = 10_000_000;

export const sendOptions = {
  ...eventOptions,
  body: flag(
    '--body <file>',
    'send this file byte for byte as the payload, signed (no fixture, --data or --set; what verify --fuzz writes)',
    (p) => p.text().optional(),
  ),
  all: flag('--all', 'send every event type (of --provider, if given)', (p) => p.off()),
  ...targetOption('receiver URL (default: MES_WEBHOOKS_URL, the config file, else a listener started here)'),
  count: flag('--count <n>', 'send each event this many times (a load test)', (p) =>
    p.int(1, MAX_COUNT).default(1),
  ),
  concurrency: flag('--concurrency <n>', 'requests in flight at once (default: 1)', (p) =>
    p.int(1, 1024).default(1),
  ),
  ...timeoutOption(),
  ...jsonOption('print one JSON object per delivery (and a summary for several)'),
  ...noLogOption(),
  ...logUrlOption,
};

export const sendSpec: CommandSpec = {
  name: 'send',
  description: 'Build fresh signed events and POST them to a receiver',
  args: [['[events...]', 'event types to send (asks on a terminal when none is given)']],
  options: sendOptions,
  examples: [
    'mes-webhooks send work_order.created',
    'mes-webhooks send work_order.created --to http://localhost:3000/webhooks/mes',
    'mes-webhooks send --all --provider katana --to http://localhost:3000/webhooks/katana',
    'mes-webhooks send work_order.created --set data.workOrder.quantity=250 --set \'data.workOrder.product="Gear"\'',
    'mes-webhooks send work_order.created --count 1000 --concurrency 16 --to http://localhost:3000/hook',
  ],
  load: async () => (await import('../send.js')).sendCommand,
};
