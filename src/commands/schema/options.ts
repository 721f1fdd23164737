import { flag, type CommandSpec } from '../declare.js';
import { configOption, providerOption } from '../groups.js';

export const schemaOptions = {
  ...providerOption('pick the event from this provider'),
  all: flag('--all', 'every event: to DIR/<provider>/<event>.json with --output, else one JSON object', (p) =>
    p.off(),
  ),
  output: flag('--output <dir>', 'with --all, the folder to write', (p) =>
    p.text(1, 'names a folder').optional(),
  ),
  ...configOption,
};

export const schemaSpec: CommandSpec = {
  name: 'schema',
  description: "Print an event's JSON Schema (2020-12), or write every schema with --all --output DIR",
  args: [['[event]', 'event type, e.g. work_order.created (or provider:event)']],
  options: schemaOptions,
  examples: ['mes-webhooks schema work_order.created', 'mes-webhooks schema --all --output schemas/'],
  load: async () => (await import('../schema.js')).schemaCommand,
};
