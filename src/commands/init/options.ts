import { flag, type CommandSpec } from '../declare.js';
import { PROVIDER_IDS } from '../groups.js';

/** The variable the tool itself reads, so a config written by init works as it stands. */
export const DEFAULT_SECRET_ENV = 'MES_WEBHOOKS_SECRET';

export const initOptions = {
  to: flag('--to <url>', 'default target', (p) => p.text().optional()),
  provider: flag('--provider <provider>', `default provider (${PROVIDER_IDS})`, (p) => p.text(0).optional()),
  secretEnv: flag(
    '--secret-env <name>',
    `the environment variable that holds the secret (default: ${DEFAULT_SECRET_ENV})`,
    (p) => p.text(0).optional(),
  ),
  route: flag(
    '--route <glob=url>',
    'send events matching the glob to this URL (repeatable)',
    (p) => p.list(),
    { repeatable: true },
  ),
  force: flag('--force', 'replace an existing config file', (p) => p.off()),
  config: flag('--config <file>', 'where to write it (default: ./mes-webhooks.config.json)', (p) =>
    p.text().optional(),
  ),
};

export const initSpec: CommandSpec = {
  name: 'init',
  description: 'Write a mes-webhooks.config.json, asking a few questions (or from flags off a terminal)',
  options: initOptions,
  readsConfig: false,
  examples: [
    'mes-webhooks init',
    `mes-webhooks init --to http://localhost:3000/webhooks/mes --provider mes --secret-env ${DEFAULT_SECRET_ENV}`,
    'mes-webhooks init --to http://localhost:3000/hooks --route "quality.*=http://localhost:3001/qa"',
  ],
  load: async () => (await import('../init.js')).initCommand,
};
