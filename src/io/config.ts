import path from 'node:path';
import { UsageError } from '../core/errors.js';
import { globToRegExp } from '../core/query.js';
import { BUILTIN_REGISTRY, type Registry } from '../core/registry.js';
import type { Config } from './settings.js';

/**
 * What commands read from a loaded config: secrets, targets, folders, the registry. Apart from the
 * config file's schema (settings.ts), so a run without a config file loads no schema library.
 */

export const DEV_SECRET = 'whsec_bWVzLXdlYmhvb2tzLWRldi1zZWNyZXQh';

/** The registry a run works with: the config file's, else the built-ins. */
export const registryOf = (config: Config): Registry => config.registry ?? BUILTIN_REGISTRY;

/** Folders named in the config, resolved against the config file's folder. */
export function configFolders(config: Config, key: 'fixtures' | 'scenarios'): string[] {
  return (config[key] ?? []).map((folder) => path.resolve(config.dir ?? '.', folder));
}

export type SecretSource = 'flag' | 'env' | 'config' | 'default';

/** The environment variable the config names for a provider's secret (its own, else the global one). */
const secretVariable = (config: Config, provider?: string): string | undefined =>
  (provider ? config.providers?.[provider]?.secretEnv : undefined) ?? config.secretEnv;

/** Where the secret comes from, read without the secret itself: it never fails. */
export function secretSource(
  flag: string | undefined,
  env: NodeJS.ProcessEnv,
  config: Config,
  provider?: string,
): SecretSource {
  if (flag) return 'flag';
  if (env.MES_WEBHOOKS_SECRET) return 'env';
  return secretVariable(config, provider) ? 'config' : 'default';
}

/** --secret, else MES_WEBHOOKS_SECRET, else the variable the config names (per provider, then global), else the development secret. */
export function resolveSecret(
  flag: string | undefined,
  env: NodeJS.ProcessEnv,
  config: Config,
  provider?: string,
): { secret: string; source: SecretSource } {
  const source = secretSource(flag, env, config, provider);
  switch (source) {
    case 'flag':
      return { secret: flag!, source };
    case 'env':
      return { secret: env.MES_WEBHOOKS_SECRET!, source };
    case 'config': {
      const name = secretVariable(config, provider)!;
      const value = env[name];
      if (!value) throw new UsageError(`the config file names ${name} for the secret, but it is not set`);
      return { secret: value, source };
    }
    default:
      return { secret: DEV_SECRET, source };
  }
}

/** The target as a URL, or a usage error that says what is wrong with it. */
export function checkedUrl(target: string): string {
  let url: URL;
  try {
    url = new URL(target);
  } catch {
    throw new UsageError(`"${target}" is not a URL`, 'a URL looks like http://localhost:3000/webhooks');
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new UsageError(`"${target}" is not an http(s) URL`);
  }
  return url.toString();
}

/** --to, else the config's first route whose glob matches the event, else MES_WEBHOOKS_URL, else the config's `to`. */
export function resolveTarget(
  flag: string | undefined,
  env: NodeJS.ProcessEnv,
  config: Config,
  event?: string,
): string | undefined {
  if (flag) return checkedUrl(flag);
  if (event) {
    for (const [glob, url] of Object.entries(config.routes ?? {}))
      if (globToRegExp(glob).test(event)) return checkedUrl(url);
  }
  const target = (env.MES_WEBHOOKS_URL || undefined) ?? config.to;
  return target === undefined ? undefined : checkedUrl(target);
}
