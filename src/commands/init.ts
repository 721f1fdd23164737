import { access, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { UsageError } from '../core/errors.js';
import { PROVIDERS } from '../core/providers/index.js';
import { CONFIG_FILE_NAME, configSchema, type Config } from '../io/settings.js';
import type { Context } from '../ui/context.js';
import type { OptionsOf } from './declare.js';
import { DEFAULT_SECRET_ENV, type initOptions } from './init/options.js';

const DEFAULT_TARGET = 'http://localhost:3000/webhooks';

async function exists(file: string): Promise<boolean> {
  try {
    await access(file);
    return true;
  } catch {
    return false;
  }
}

/** `quality.*=http://localhost:3001/qa` → ['quality.*', 'http://…']. */
function parseRoute(text: string): [string, string] {
  const eq = text.indexOf('=');
  if (eq <= 0)
    throw new UsageError(
      `--route takes glob=url, got "${text}"`,
      'e.g. --route "quality.*=http://localhost:3001/qa"',
    );
  return [text.slice(0, eq), text.slice(eq + 1)];
}

export async function initCommand(ctx: Context, options: OptionsOf<typeof initOptions>): Promise<number> {
  const file = path.resolve(ctx.cwd, options.config ?? CONFIG_FILE_NAME);
  if (!options.force && (await exists(file))) {
    throw new UsageError(`${file} already exists`, 'pass --force to replace it');
  }
  let answers = { to: options.to, provider: options.provider, secretEnv: options.secretEnv };
  if (ctx.stdinIsTTY && ctx.interactive && (!options.to || !options.provider || !options.secretEnv)) {
    const { input, select } = await import('@inquirer/prompts');
    answers = {
      to:
        options.to ?? (await input({ message: 'Where does your receiver listen?', default: DEFAULT_TARGET })),
      provider:
        options.provider ??
        (await select({
          message: 'Which platform sends to it?',
          choices: PROVIDERS.map((p) => ({ name: p.name, value: p.id })),
        })),
      secretEnv:
        options.secretEnv ??
        (await input({
          message: 'Which environment variable holds its webhook secret?',
          default: DEFAULT_SECRET_ENV,
        })),
    };
  }
  const config: Config = {
    to: answers.to ?? DEFAULT_TARGET,
    provider: answers.provider ?? 'mes',
    secretEnv: answers.secretEnv ?? DEFAULT_SECRET_ENV,
    ...(options.route.length > 0 ? { routes: Object.fromEntries(options.route.map(parseRoute)) } : {}),
  };
  const parsed = configSchema.safeParse(config);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    throw new UsageError(`${issue.path.join('.')}: ${issue.message}`);
  }
  if (!PROVIDERS.some((p) => p.id === config.provider)) {
    throw new UsageError(`provider: must be one of ${PROVIDERS.map((p) => p.id).join(', ')}`);
  }
  await writeFile(file, `${JSON.stringify(config, null, 2)}\n`);
  ctx.err(`Wrote ${file}.`);
  ctx.err(ctx.color.dim(`The secret is read from $${config.secretEnv}; it is never stored in the file.`));
  return 0;
}
