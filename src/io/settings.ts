import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { z } from 'zod';
import { UsageError } from '../core/errors.js';

export const CONFIG_FILE_NAME = 'mes-webhooks.config.json';

/**
 * The development secret shared by `send` and `listen` when none is set, so the two agree out of
 * the box. It is a valid Standard Webhooks key too. Never use it outside development.
 */
export const DEV_SECRET = 'whsec_bWVzLXdlYmhvb2tzLWRldi1zZWNyZXQh';

export const configSchema = z.strictObject({
  $schema: z.string().optional(),
  to: z.url({ protocol: /^https?$/ }).optional(),
  /** The name of the environment variable that holds the secret; the secret itself is never stored. */
  secretEnv: z
    .string()
    .regex(/^[A-Za-z_][A-Za-z0-9_]*$/, 'an environment variable name')
    .optional(),
});
export type Config = z.infer<typeof configSchema>;

export async function loadConfig(cwd: string, file?: string): Promise<Config> {
  const target = path.resolve(cwd, file ?? CONFIG_FILE_NAME);
  let text: string;
  try {
    text = await readFile(target, 'utf8');
  } catch {
    if (file) throw new UsageError(`cannot read the config file ${target}`);
    return {};
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    throw new UsageError(`${target} is not valid JSON: ${(error as Error).message}`);
  }
  const parsed = configSchema.safeParse(json);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    const where = issue.path.length > 0 ? `"${issue.path.join('.')}"` : 'the file';
    throw new UsageError(`${target}: ${where}: ${issue.message}`);
  }
  return parsed.data;
}

export type SecretSource = 'flag' | 'env' | 'config' | 'default';

export function resolveSecret(
  flag: string | undefined,
  env: NodeJS.ProcessEnv,
  config: Config,
): { secret: string; source: SecretSource } {
  if (flag) return { secret: flag, source: 'flag' };
  if (env.MES_WEBHOOKS_SECRET) return { secret: env.MES_WEBHOOKS_SECRET, source: 'env' };
  if (config.secretEnv) {
    const value = env[config.secretEnv];
    if (!value)
      throw new UsageError(`the config file names ${config.secretEnv} for the secret, but it is not set`);
    return { secret: value, source: 'config' };
  }
  return { secret: DEV_SECRET, source: 'default' };
}

export function resolveTarget(
  flag: string | undefined,
  env: NodeJS.ProcessEnv,
  config: Config,
): string | undefined {
  const target = flag ?? (env.MES_WEBHOOKS_URL || undefined) ?? config.to;
  if (target === undefined) return undefined;
  let url: URL;
  try {
    url = new URL(target);
  } catch {
    throw new UsageError(`"${target}" is not a URL`, 'e.g. --to http://localhost:3000/webhooks');
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new UsageError(`"${target}" is not an http(s) URL`);
  }
  return url.toString();
}
