import type { CommandSpec } from '../declare.js';
import { configOption, jsonOption, providerOption } from '../groups.js';

export const eventsOptions = {
  ...providerOption("only this provider's events"),
  ...jsonOption('print the catalog as JSON'),
  ...configOption,
};

export const eventsSpec: CommandSpec = {
  name: 'events',
  description: 'List the event types of the catalog',
  options: eventsOptions,
  examples: ['mes-webhooks events --provider katana', 'mes-webhooks events --json'],
  load: async () => (await import('../events.js')).eventsCommand,
};
