import type { Catalog } from '../core/catalog.js';

/** Asks for a provider, then one of its events. Only called on a TTY. */
export async function pickEvent(catalog: Catalog): Promise<{ provider: string; event: string }> {
  const { select } = await import('@inquirer/prompts');
  const provider = await select({
    message: 'Provider',
    choices: catalog.registry.providers.map((p) => ({
      name: `${p.name} (${catalog.ofProvider(p.id).length} events)`,
      value: p.id,
    })),
  });
  const event = await select({
    message: 'Event',
    pageSize: 15,
    choices: catalog
      .ofProvider(provider)
      .map((e) => ({ name: e.name, value: e.name, description: e.description })),
  });
  return { provider, event };
}
