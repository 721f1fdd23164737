import type { Context } from '../ui/context.js';
import { renderEventTable } from '../ui/render.js';
import { catalogFor } from './common.js';
import type { OptionsOf } from './declare.js';
import type { eventsOptions } from './events/options.js';

export async function eventsCommand(ctx: Context, options: OptionsOf<typeof eventsOptions>): Promise<number> {
  const catalog = await catalogFor(ctx);
  const events = options.provider ? catalog.ofProvider(options.provider) : catalog.events;
  if (options.json) {
    ctx.out(
      JSON.stringify(
        // A user's fixture names its file and whether it stands in for the built-in of its name.
        events.map(({ name, provider, description, file, overrides }) => ({
          name,
          provider,
          description,
          source: file ?? 'built-in',
          ...(file ? { overrides: overrides === true } : {}),
        })),
      ),
    );
    return 0;
  }
  for (const line of renderEventTable(ctx.color, events)) ctx.out(line);
  ctx.err(
    ctx.color.dim(
      `\n${events.length} event types. Send one: mes-webhooks send ${events[0]?.name ?? '<event>'}`,
    ),
  );
  return 0;
}
