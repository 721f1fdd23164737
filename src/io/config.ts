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

/** --secret, else MES_WEBHOOKS_SECRET, else the variable the config names (per provider, then global), else the development secret. */
export function resolveSecret(
  flag: string | undefined,
  env: NodeJS.ProcessEnv,
  config: Config,
  provider?: string,
): { secret: string; source: SecretSource } {
  if (flag) return { secret: flag, source: 'flag' };
  if (env.MES_WEBHOOKS_SECRET) return { secret: env.MES_WEBHOOKS_SECRET, source: 'env' };
  const name = (provider ? config.providers?.[provider]?.secretEnv : undefined) ?? config.secretEnv;
  if (name) {
    const value = env[name];
    if (!value) throw new UsageError(`the config file names ${name} for the secret, but it is not set`);
    return { secret: value, source: 'config' };
  }
  return { secret: DEV_SECRET, source: 'default' };
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
