// fs.promises when first used: node:fs/promises is not loaded on start-up.
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  createCatalog,
  fixtureFileProblem,
  type FixtureFile,
  fixtureProblems,
  type Catalog,
  type EventDef,
} from '../core/catalog.js';
import { UsageError } from '../core/errors.js';
import { BUILTIN_REGISTRY, type Registry } from '../core/registry.js';

/**
 * The package's own fixtures folder (the same from src/ and from dist/). Found when first read: the
 * catalog is built in, so most commands never read it, and a first URL costs half a millisecond.
 */
const builtinFixtures = () => fileURLToPath(new URL('../../fixtures/', import.meta.url));

async function readFixture(
  file: string,
  provider: string,
  registry: Registry,
  markFile: boolean,
): Promise<EventDef> {
  let json: unknown;
  try {
    json = JSON.parse(await fs.promises.readFile(file, 'utf8'));
  } catch (error) {
    throw new UsageError(`${file} is not valid JSON: ${(error as Error).message}`);
  }
  const problem = fixtureFileProblem(json);
  if (problem) throw new UsageError(`${file}: ${problem}`);
  const parsed = { data: json as FixtureFile };
  const known = registry.provider(provider);
  if (!known) throw new UsageError(`${file}: no provider named "${provider}" (folder name)`);
  const problems = fixtureProblems(known, parsed.data);
  if (problems.length > 0)
    throw new UsageError(`${file} does not fit the ${provider} envelope: ${problems.join('; ')}`);
  return {
    name: parsed.data.event,
    provider,
    description: parsed.data.description,
    payload: parsed.data.payload,
    ...(markFile ? { file } : {}),
  };
}

/** Reads `<root>/<provider>/<event>.json` for every provider folder. */
export async function loadFixtures(
  root: string = builtinFixtures(),
  registry: Registry = BUILTIN_REGISTRY,
  /** Events of a user's folder name their file, so `events` can say where they come from. */
  markFiles = false,
): Promise<EventDef[]> {
  const rank = (id: string) => {
    const index = registry.providers.findIndex((p) => p.id === id);
    return index < 0 ? registry.providers.length : index;
  };
  const byProviderOrder = (a: string, b: string) => rank(a) - rank(b) || a.localeCompare(b);
  const providers = (await fs.promises.readdir(root, { withFileTypes: true }))
    .filter((d) => d.isDirectory())
    .map((d) => d.name);
  const perProvider = await Promise.all(
    providers.sort(byProviderOrder).map(async (provider) => {
      const files = (await fs.promises.readdir(path.join(root, provider)))
        .filter((f) => f.endsWith('.json'))
        .sort();
      return Promise.all(
        files.map((f) => readFixture(path.join(root, provider, f), provider, registry, markFiles)),
      );
    }),
  );
  return perProvider.flat();
}

/** Events grouped by provider in the registry's order, each provider's kept as they were. */
function inProviderOrder(events: readonly EventDef[], registry: Registry): EventDef[] {
  const rank = new Map(registry.providers.map((p, i) => [p.id, i]));
  const at = (e: EventDef) => rank.get(e.provider) ?? rank.size;
  return [...events].sort((a, b) => at(a) - at(b));
}

/**
 * A user's event of a built-in name takes the built-in's place (and is marked so `events` can say
 * which is used); a later folder's wins over an earlier one's.
 */
function withUserEvents(builtins: readonly EventDef[], users: readonly EventDef[]): EventDef[] {
  const events = [...builtins];
  const at = new Map(events.map((e, i) => [`${e.provider}\0${e.name}`, i]));
  for (const user of users) {
    const key = `${user.provider}\0${user.name}`;
    const index = at.get(key);
    if (index === undefined) {
      at.set(key, events.length);
      events.push(user);
    } else {
      events[index] = { ...user, overrides: events[index]!.file === undefined || events[index]!.overrides };
    }
  }
  return events;
}

const cache = new WeakMap<Registry, Map<string, Promise<Catalog>>>();

/**
 * The built-in catalog, compiled from fixtures/ at build time so start-up reads no fixture files,
 * plus the events of any extra fixture folders (a user's own, named in the config file).
 */
export function loadCatalog(
  extraFolders: readonly string[] = [],
  registry: Registry = BUILTIN_REGISTRY,
): Promise<Catalog> {
  const key = extraFolders.join('\0');
  let perRegistry = cache.get(registry);
  if (!perRegistry) cache.set(registry, (perRegistry = new Map()));
  let catalog = perRegistry.get(key);
  if (!catalog) {
    catalog = Promise.all([
      import('../generated/catalog.js').then((m) => inProviderOrder(m.BUILTIN_EVENTS, registry)),
      ...extraFolders.map((folder) =>
        loadFixtures(folder, registry, true).catch((error: Error) => {
          throw error instanceof UsageError
            ? error
            : new UsageError(`cannot read the fixture folder ${folder}: ${error.message}`);
        }),
      ),
    ]).then(([builtins, ...users]) => createCatalog(withUserEvents(builtins!, users.flat()), registry));
    perRegistry.set(key, catalog);
  }
  return catalog;
}
