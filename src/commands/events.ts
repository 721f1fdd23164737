import { z } from 'zod';
import { registryOf } from '../io/settings.js';
import type { Context } from '../ui/context.js';
import { renderEventTable } from '../ui/render.js';
import { catalogFor, parseOptions, providerOption } from './common.js';

const schema = z.object({ provider: providerOption.optional(), json: z.boolean().default(false) });

export async function eventsCommand(ctx: Context, raw: unknown): Promise<number> {
  const options = parseOptions(schema, raw, registryOf(ctx.config));
  const catalog = await catalogFor(ctx);
  const events = options.provider ? catalog.ofProvider(options.provider) : catalog.events;
  if (options.json) {
    ctx.out(
      JSON.stringify(events.map(({ name, provider, description }) => ({ name, provider, description }))),
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
