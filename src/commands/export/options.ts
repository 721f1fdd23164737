import { flag, type CommandSpec } from '../declare.js';
import { configOption, providerOption } from '../groups.js';

const FORMATS = ['json', 'yaml'] as const;

export const exportOptions = {
  output: flag('--output <file>', 'write to this file instead of stdout', (p) =>
    p.text(1, 'names a file').optional(),
  ),
  ...providerOption("only this provider's events"),
  format: flag(
    '--format <format>',
    'json (default) or yaml',
    (p) => p.oneOf(FORMATS, 'must be json or yaml').optional(),
    { choices: FORMATS },
  ),
  ...configOption,
};

export const exportSpec: CommandSpec = {
  name: 'export',
  description: 'Write the catalog as an OpenAPI 3.1 (webhooks) or AsyncAPI 3.0 document',
  args: [['<kind>', 'openapi or asyncapi']],
  options: exportOptions,
  examples: [
    'mes-webhooks export openapi --output webhooks.openapi.json',
    'mes-webhooks export asyncapi --provider katana --format yaml',
  ],
  load: async () => (await import('../schema.js')).exportCommand,
};
