// fs.promises when first used: node:fs/promises is not loaded on start-up.
import fs from 'node:fs';
import path from 'node:path';
import type { Catalog } from '../core/catalog.js';
import { UsageError } from '../core/errors.js';
import { parseHeaderLine } from '../core/headers.js';
import { checkDepth } from '../core/limits.js';
import { parseAssignment } from '../core/overrides.js';
import { loadCatalog } from '../io/fixtures.js';
import { configFolders, registryOf, resolveSecret, secretSource, type SecretSource } from '../io/config.js';
import type { checkBuiltEvent } from '../schema/check-build.js';
import type { Context } from '../ui/context.js';
import { readFlag } from '../ui/errors.js';

export interface EventSettings {
  /**
   * The secret outside any provider's (the embedded listener's), read when first asked for: a
   * command that signs nothing, or only events whose provider has its own, never needs it.
   */
  secret(): string;
  /** Where that secret comes from, known without reading it. */
  secretSource: SecretSource;
  /** The secret for one provider's events: the config can name one per provider. */
  secretFor(provider: string): string;
  /** Added to the clock the events are built and signed with (--timestamp-offset). */
  clockOffsetMs: number;
  sets: ReturnType<typeof parseAssignment>[];
  data: unknown;
  headers: Record<string, string>;
  /** Schema findings of a built event fail it (--strict) instead of warning. */
  strict: boolean;
  /**
   * Checks a built event against its schema. Loaded only when something can make an event break it
   * (--set, --data, a fixture folder): a built-in event built as it is always fits, and the schemas
   * are a hundred kilobytes to load.
   */
  checkBuild?: typeof checkBuiltEvent;
}

/** A JSON file a flag names, read from the working folder: its text and its value, or a usage error saying which. */
export async function readJsonFile(
  ctx: Context,
  file: string,
  flag: string,
): Promise<{ text: string; value: unknown }> {
  const target = path.resolve(ctx.cwd, file);
  let text: string;
  try {
    text = await fs.promises.readFile(target, 'utf8');
  } catch {
    throw new UsageError(`cannot read ${flag} file ${target}`);
  }
  try {
    return { text, value: JSON.parse(text) };
  } catch (error) {
    throw new UsageError(`${flag} file ${target} is not valid JSON: ${(error as Error).message}`);
  }
}

/** What a JSON value is, in a word, for a message. */
const kindOf = (value: unknown) =>
  value === null ? 'null' : Array.isArray(value) ? 'an array' : `a ${typeof value}`;

async function readDataFile(ctx: Context, file: string): Promise<unknown> {
  const { value } = await readJsonFile(ctx, file, '--data');
  const target = path.resolve(ctx.cwd, file);
  // Merged key by key into the payload: anything but an object would replace the payload whole.
  if (typeof value !== 'object' || value === null || Array.isArray(value))
    throw new UsageError(`--data file ${target} must hold one JSON object, not ${kindOf(value)}`);
  return checkDepth(value, `--data file ${target}`);
}

/** The schema check of built events (EventSettings.checkBuild), for settings that come to need it. */
export const loadBuildCheck = async () => (await import('../schema/check-build.js')).checkBuiltEvent;

export async function eventSettings(
  ctx: Context,
  options: {
    secret?: string;
    set: string[];
    data?: string;
    header: string[];
    timestampOffset?: number;
    strict?: boolean;
  },
): Promise<EventSettings> {
  const config = ctx.config;
  // By provider; undefined for the secret outside any provider's.
  const secrets = new Map<string | undefined, string>();
  const secretOf = (provider?: string): string => {
    let found = secrets.get(provider);
    if (found === undefined)
      secrets.set(provider, (found = resolveSecret(options.secret, ctx.env, config, provider).secret));
    return found;
  };
  const headers: Record<string, string> = {};
  for (const line of options.header) {
    const parsed = parseHeaderLine(line);
    if (!parsed) throw new UsageError(`--header takes "Name: value", got "${line}"`);
    headers[parsed[0].toLowerCase()] = parsed[1];
  }
  const mayBreakSchema =
    options.set.length > 0 || options.data !== undefined || configFolders(config, 'fixtures').length > 0;
  return {
    secret: () => secretOf(),
    secretSource: secretSource(options.secret, ctx.env, config),
    secretFor: secretOf,
    clockOffsetMs: options.timestampOffset ?? 0,
    sets: options.set.map((text) => readFlag('--set', () => parseAssignment(text))),
    data: options.data === undefined ? undefined : await readDataFile(ctx, options.data),
    headers,
    strict: options.strict ?? false,
    checkBuild: mayBreakSchema ? await loadBuildCheck() : undefined,
  };
}

export function describeSecret(source: string): string {
  switch (source) {
    case 'flag':
      return 'the secret from --secret';
    case 'env':
      return 'the secret in MES_WEBHOOKS_SECRET';
    case 'config':
      return 'the secret named by the config file';
    default:
      return 'the development secret (set MES_WEBHOOKS_SECRET for your own)';
  }
}

/** The catalog: built-in events and those of the config file's fixture folders. */
export function catalogFor(ctx: Context): Promise<Catalog> {
  return loadCatalog(configFolders(ctx.config, 'fixtures'), registryOf(ctx.config));
}
