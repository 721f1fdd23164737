import { flag, type CommandSpec } from '../declare.js';
import {
  eventOptions,
  jsonOption,
  logUrlOption,
  noLogOption,
  seedOption,
  targetOption,
  timeoutOption,
} from '../groups.js';

export const scenarioOptions = {
  ...eventOptions,
  list: flag('--list', 'list the scenarios', (p) => p.off()),
  ...targetOption(
    'receiver URL (default: config routes, MES_WEBHOOKS_URL, the config file, else a listener started here)',
  ),
  gap: flag('--gap <ms>', 'wait this long between deliveries', (p) => p.int(0, 60 * 60_000).default(0)),
  shuffle: flag('--shuffle', 'deliver the steps in a random order', (p) => p.off()),
  duplicate: flag('--duplicate <n>', 'deliver N steps a second time, byte for byte', (p) =>
    p.int(0, 1000).default(0),
  ),
  ...seedOption('seed for --shuffle and --duplicate, for repeatable runs'),
  ...timeoutOption(),
  ...jsonOption('one JSON object per delivery'),
  ...noLogOption(),
  ...logUrlOption,
};

export const scenarioSpec: CommandSpec = {
  name: 'scenario',
  description: 'Send an ordered sequence of events that share ids: a lifecycle, in order or not',
  args: [['[name]', 'a scenario name (see --list) or a scenario file ending in .json']],
  options: scenarioOptions,
  examples: [
    'mes-webhooks scenario --list',
    'mes-webhooks scenario work-order-lifecycle --to http://localhost:3000/webhooks/mes',
    'mes-webhooks scenario work-order-lifecycle --shuffle --duplicate 2 --seed 7 --to http://localhost:3000/hook',
    'mes-webhooks scenario ./my-scenario.json --gap 500',
  ],
  load: async () => (await import('../scenario.js')).scenarioCommand,
};
