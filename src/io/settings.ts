import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { z } from '../core/zod.js';
import { UsageError } from '../core/errors.js';
import { customProvider } from '../core/providers/custom.js';
import type { Provider } from '../core/providers/types.js';
import { BUILTIN_REGISTRY, type Registry } from '../core/registry.js';
import { parseDuration, parseSchedule } from '../core/schedule.js';
import { durationText } from '../core/scenario.js';
import { customScheme } from '../core/schemes/custom.js';
import { standardScheme } from '../core/providers/standard/index.js';
import type { Scheme } from '../core/schemes/types.js';

import { CONFIG_FILE_NAME } from './config-file.js';
import { addIssues, ConfigProblems, plainWords } from './config-problems.js';
import { loadPlaces } from './places.js';
import { loadSchemaFolders } from './schema-folders.js';

export { CONFIG_FILE_NAME };
export { DEV_SECRET, checkedUrl, configFolders, registryOf, resolveSecret, resolveTarget } from './config.js';

/**
 * The development secret shared by `send` and `listen` when none is set, so the two agree out of
 * the box. It is a valid Standard Webhooks key too. Never use it outside development.
 */

const envName = z.string().regex(/^[A-Za-z_][A-Za-z0-9_]*$/, 'must be an environment variable name');
const httpUrl = z.url({ protocol: /^https?$/, error: 'must be an http(s) URL' });
const id = z.string().regex(/^[a-z][a-z0-9_-]*$/, 'must be lowercase letters, digits, _ or -');

const schemeDef = z
  .strictObject({
    signatureHeader: z.string().min(1),
    signedContent: z.enum(['body', 'timestamp.body', 'id.timestamp.body']),
    encoding: z.enum(['hex', 'base64']).default('hex'),
    prefix: z.string().default(''),
    separator: z.string().min(1).optional(),
    timestampHeader: z.string().min(1).optional(),
    idHeader: z.string().min(1).optional(),
    secretEncoding: z.enum(['utf8', 'base64']).default('utf8'),
    tolerance: durationText.optional(),
  })
  .refine((s) => s.signedContent === 'body' || s.timestampHeader, {
    path: ['timestampHeader'],
    error: 'is needed when signedContent holds the timestamp',
  })
  .refine((s) => s.signedContent !== 'id.timestamp.body' || s.idHeader, {
    path: ['idHeader'],
    error: 'is needed when signedContent holds the id',
  });

const providerDef = z.strictObject({
  name: z.string().min(1).optional(),
  scheme: z.string().min(1),
  eventField: z.string().min(1),
  idField: z.string().min(1).optional(),
  timestampField: z.string().min(1).optional(),
  timestampFormat: z.enum(['iso', 'unix']).default('iso'),
  deadline: durationText.default('10s'),
  schedule: z.string().min(1).optional(),
  secretEnv: envName.optional(),
  /** A folder of `<event>.json` JSON Schemas: its deliveries get schema verdicts too. */
  schemas: z.string().min(1).optional(),
});

export const configSchema = z.strictObject({
  $schema: z.string().optional(),
  /** Default target for every event. */
  to: httpUrl.optional(),
  /** Default provider of `verify`. */
  provider: z.string().min(1).optional(),
  /** The name of the environment variable that holds the secret; the secret itself is never stored. */
  secretEnv: envName.optional(),
  /** Event globs to URLs: `"quality.*": "http://localhost:3001/qa"`; the first match wins. */
  routes: z.record(z.string().min(1), httpUrl).optional(),
  /** More fixture folders, laid out like fixtures/: `<provider>/<event>.json`. */
  fixtures: z.array(z.string().min(1)).optional(),
  /** Folders of scenario files (`<name>.json`). */
  scenarios: z.array(z.string().min(1)).optional(),
  schemes: z.record(id, schemeDef).optional(),
  providers: z.record(id, providerDef).optional(),
  /**
   * How a Standard Webhooks secret becomes the key: `base64` after `whsec_` (the default), or `raw`,
   * its own UTF-8 bytes, as the official libraries' raw mode takes a plain secret.
   */
  secretFormat: z.enum(['base64', 'raw']).optional(),
  /** Provider folders, each a module like src/core/providers/<id>/ (its events under `fixtures`). */
  places: z.array(z.string().min(1)).optional(),
});
export type Config = z.infer<typeof configSchema> & {
  /** Where the file was, for relative paths. */ dir?: string;
  /** The built-in providers and schemes plus the ones this file declares. */
  registry?: Registry;
};

/** The keys the object at `path` of a config file takes, for suggestions. */
function keysAt(path: readonly PropertyKey[]): readonly string[] {
  if (path.length === 0) return Object.keys(configSchema.shape);
  if (path.length === 2 && path[0] === 'providers') return Object.keys(providerDef.shape);
  if (path.length === 2 && path[0] === 'schemes') return Object.keys(schemeDef.shape);
  return [];
}

/** `random` draws the jitter of exponential schedules the config declares. */
export async function loadConfig(
  cwd: string,
  file?: string,
  random: () => number = Math.random,
): Promise<Config> {
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
  // Every problem of the file at once, in plain words, rather than the first in zod's.
  const problems = new ConfigProblems(target);
  const parsed = configSchema.safeParse(json, { error: plainWords });
  if (!parsed.success) {
    addIssues(problems, parsed.error.issues, keysAt);
    unknownNames(json, problems);
    problems.throwAny();
  }
  const config: Config = { ...parsed.data!, dir: path.dirname(target) };
  const places = config.places?.length
    ? await loadPlaces(
        config.places.map((folder) => path.resolve(config.dir!, folder)),
        target,
      )
    : [];
  for (const place of places)
    if (BUILTIN_REGISTRY.isBuiltin(place.id))
      problems.add('places', `${place.id} is built in; give yours another name`);
  const schemas = await loadSchemaFolders(config, target);
  const base = BUILTIN_REGISTRY.with({ places: places.filter((p) => !BUILTIN_REGISTRY.isBuiltin(p.id)) });
  return { ...config, registry: configRegistry(config, target, base, random, schemas, problems) };
}

/**
 * What a file that does not parse still says of names: the provider it defaults to, and the scheme
 * each provider of its own signs with, when neither is built in nor declared in the file. A file that
 * parses has these checked by configRegistry; this way a broken one has them told in the same run.
 */
function unknownNames(json: unknown, problems: ConfigProblems): void {
  const raw = (typeof json === 'object' && json !== null ? json : {}) as Record<string, unknown>;
  const declared = (key: string) =>
    typeof raw[key] === 'object' && raw[key] !== null ? (raw[key] as Record<string, unknown>) : {};
  const providers = declared('providers');
  const schemes = declared('schemes');
  // Providers from a folder of "places" are known only once the file parses.
  const places = Array.isArray(raw.places) && raw.places.length > 0;
  if (typeof raw.provider === 'string' && !places && !BUILTIN_REGISTRY.provider(raw.provider))
    if (!Object.hasOwn(providers, raw.provider)) problems.add('provider', `no provider "${raw.provider}"`);
  for (const [providerId, def] of Object.entries(providers)) {
    const scheme = (def as { scheme?: unknown } | null)?.scheme;
    if (typeof scheme === 'string' && !BUILTIN_REGISTRY.hasScheme(scheme) && !Object.hasOwn(schemes, scheme))
      problems.add(`providers.${providerId}.scheme`, `no scheme "${scheme}"; declare it under "schemes"`);
  }
}

/** The built-in registry plus the schemes and providers a config file declares; nothing is mutated. */
export function configRegistry(
  config: Config,
  file = CONFIG_FILE_NAME,
  base: Registry = BUILTIN_REGISTRY,
  random: () => number = Math.random,
  schemas: Readonly<Record<string, Record<string, object>>> = {},
  problems = new ConfigProblems(file),
): Registry {
  const schemes: Scheme[] = [];
  const providers: Provider[] = [];
  for (const [schemeId, def] of Object.entries(config.schemes ?? {})) {
    if (base.isBuiltin(schemeId)) {
      problems.add(`schemes.${schemeId}`, `${schemeId} is built in; give yours another name`);
      continue;
    }
    schemes.push(
      customScheme({
        id: schemeId,
        ...def,
        toleranceSec: def.tolerance ? parseDuration(def.tolerance) / 1000 : 300,
      }),
    );
  }
  for (const [providerId, def] of Object.entries(config.providers ?? {})) {
    if (base.isBuiltin(providerId)) {
      problems.add(`providers.${providerId}`, `${providerId} is built in; give yours another name`);
      continue;
    }
    // A scheme refused above is still declared: the provider is not blamed for it.
    if (!base.hasScheme(def.scheme) && !config.schemes?.[def.scheme]) {
      problems.add(`providers.${providerId}.scheme`, `no scheme "${def.scheme}"; declare it under "schemes"`);
      continue;
    }
    let schedule;
    try {
      schedule = def.schedule ? parseSchedule(def.schedule, random, base.schedules) : base.schedules.mes!;
    } catch (error) {
      problems.add(`providers.${providerId}.schedule`, (error as Error).message);
      continue;
    }
    providers.push(
      customProvider({
        id: providerId,
        name: def.name ?? providerId,
        scheme: def.scheme,
        eventField: def.eventField,
        idField: def.idField,
        timestampField: def.timestampField,
        timestampFormat: def.timestampFormat,
        deadlineMs: parseDuration(def.deadline),
        schedule: { ...schedule, name: providerId },
        ...(schemas[providerId] ? { schemas: schemas[providerId] } : {}),
      }),
    );
  }
  if (config.secretFormat === 'raw') schemes.push(standardScheme('raw'));
  const registry = base.with({ schemes, providers });
  if (config.provider && !registry.provider(config.provider) && !config.providers?.[config.provider])
    problems.add('provider', `no provider "${config.provider}"`);
  problems.throwAny();
  return registry;
}
