import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { UsageError } from '../core/errors.js';
import type { Config } from './settings.js';

/** Each declared provider's schema folder: `<event>.json` files, each one JSON Schema. */
export async function loadSchemaFolders(
  config: Pick<Config, 'providers' | 'dir'>,
  file: string,
): Promise<Record<string, Record<string, object>>> {
  const out: Record<string, Record<string, object>> = {};
  for (const [providerId, def] of Object.entries(config.providers ?? {})) {
    if (!def.schemas) continue;
    const folder = path.resolve(config.dir!, def.schemas);
    const where = `${file}: "providers.${providerId}.schemas"`;
    let names: string[];
    try {
      names = (await readdir(folder)).filter((name) => name.endsWith('.json'));
    } catch {
      throw new UsageError(`${where}: cannot read the folder ${folder}`);
    }
    const byEvent: Record<string, object> = {};
    for (const name of names) {
      let schema: unknown;
      try {
        schema = JSON.parse(await readFile(path.join(folder, name), 'utf8'));
      } catch (error) {
        throw new UsageError(`${where}: ${name} is not valid JSON: ${(error as Error).message}`);
      }
      if (typeof schema !== 'object' || schema === null || Array.isArray(schema))
        throw new UsageError(`${where}: ${name} is not a JSON Schema object`);
      byEvent[name.slice(0, -'.json'.length)] = schema;
    }
    out[providerId] = byEvent;
  }
  return out;
}
