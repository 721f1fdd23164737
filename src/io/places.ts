import { access } from 'node:fs/promises';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { UsageError } from '../core/errors.js';
import type { ProviderPlace } from '../core/providers/types.js';

const ENTRY_FILES = ['index.js', 'index.mjs'];

/** What is wrong with a module's default export as a provider place, if anything. */
function shapeProblem(place: unknown): string | undefined {
  const p = place as Partial<ProviderPlace> | undefined;
  if (!p || typeof p !== 'object') return 'its default export is not an object';
  if (typeof p.id !== 'string' || !/^[a-z][a-z0-9_-]*$/.test(p.id)) return '"id" must be a lowercase name';
  const s = p.scheme;
  if (!s || s.id !== p.id || typeof s.sign !== 'function' || typeof s.verify !== 'function')
    return `"scheme" must have id "${p.id}", sign() and verify()`;
  if (!Array.isArray(s.headers) || typeof s.headers[0] !== 'string')
    return '"scheme.headers" must list header names';
  if (!p.schedule || !Array.isArray(p.schedule.delaysMs)) return '"schedule.delaysMs" must be a list';
  if (!Array.isArray(p.lifecycle)) return '"lifecycle" must be a list of event names';
  const v = p.provider;
  if (v) {
    for (const fn of ['matches', 'eventType', 'eventId', 'freshen'] as const)
      if (typeof v[fn] !== 'function') return `"provider.${fn}" must be a function`;
    if (typeof v.envelope?.safeParse !== 'function') return '"provider.envelope" must have safeParse()';
    if (v.id !== p.id || v.scheme !== p.id) return `"provider.id" and "provider.scheme" must be "${p.id}"`;
  }
  return undefined;
}

/**
 * Loads provider folders named in a config file: each is a module (`index.js`) whose default export
 * is a place shaped like the built-in ones in src/core/providers/<id>/.
 */
export async function loadPlaces(folders: readonly string[], file: string): Promise<ProviderPlace[]> {
  const places: ProviderPlace[] = [];
  for (const folder of folders) {
    let entry: string | undefined;
    for (const name of ENTRY_FILES) {
      const candidate = path.join(folder, name);
      if (
        await access(candidate).then(
          () => true,
          () => false,
        )
      )
        entry = candidate;
      if (entry) break;
    }
    if (!entry) throw new UsageError(`${file}: "places": ${folder} has no ${ENTRY_FILES.join(' or ')}`);
    let place: unknown;
    try {
      place = ((await import(pathToFileURL(entry).href)) as { default?: unknown }).default;
    } catch (error) {
      throw new UsageError(`${file}: "places": cannot load ${entry}: ${(error as Error).message}`);
    }
    const problem = shapeProblem(place);
    if (problem) throw new UsageError(`${file}: "places": ${entry}: ${problem}`);
    places.push(place as ProviderPlace);
  }
  return places;
}
