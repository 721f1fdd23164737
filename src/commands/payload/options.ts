import { flag, type CommandSpec } from '../declare.js';
import { eventOptions, jsonOption } from '../groups.js';

export const payloadOptions = {
  ...eventOptions,
  headers: flag('--headers', 'print the signed headers as "name: value" lines before the body', (p) =>
    p.off(),
  ),
  ...jsonOption('print {event, provider, headers, body} as JSON'),
};

export const payloadSpec: CommandSpec = {
  name: 'payload',
  description: 'Print the exact body (and with --headers the signed headers) that send would send',
  args: [['<event>', 'event type, e.g. work_order.created']],
  options: payloadOptions,
  examples: [
    'mes-webhooks payload work_order.created',
    'mes-webhooks payload sales_order.delivered --headers --set object.id=42',
  ],
  load: async () => (await import('../payload.js')).payloadCommand,
};
