import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Catalog } from '../core/catalog.js';
import { UsageError } from '../core/errors.js';
import { parseScenario, type Scenario } from '../core/scenario.js';
import { closest } from '../core/suggest.js';

export const BUILTIN_SCENARIOS = fileURLToPath(new URL('../../scenarios/', import.meta.url));

async function readScenario(file: string, catalog: Catalog): Promise<Scenario> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch {
    throw new UsageError(`cannot read the scenario file ${file}`);
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    throw new UsageError(`${file} is not valid JSON: ${(error as Error).message}`);
  }
  return parseScenario(json, file, catalog);
}

/** Every scenario: the built-in ones, then those of the given folders (a later name wins). */
export async function loadScenarios(
  folders: readonly string[],
  catalog: Catalog,
): Promise<Map<string, Scenario>> {
  const all = new Map<string, Scenario>();
  for (const folder of [BUILTIN_SCENARIOS, ...folders]) {
    let files: string[];
    try {
      files = (await readdir(folder)).filter((f) => f.endsWith('.json')).sort();
    } catch {
      throw new UsageError(`cannot read the scenario folder ${folder}`);
    }
    for (const file of files) {
      const scenario = await readScenario(path.join(folder, file), catalog);
      all.set(scenario.name, scenario);
    }
  }
  return all;
}

/** A scenario by name, or from a file path ending in .json. */
export async function findScenario(
  nameOrFile: string,
  folders: readonly string[],
  catalog: Catalog,
  cwd: string,
): Promise<Scenario> {
  if (nameOrFile.endsWith('.json')) return readScenario(path.resolve(cwd, nameOrFile), catalog);
  const all = await loadScenarios(folders, catalog);
  const found = all.get(nameOrFile);
  if (found) return found;
  const near = closest(nameOrFile, [...all.keys()]);
  throw new UsageError(
    `no scenario named "${nameOrFile}"`,
    near.length
      ? `did you mean ${near.join(', ')}? (\`mes-webhooks scenario --list\`)`
      : 'run `mes-webhooks scenario --list`',
  );
}
