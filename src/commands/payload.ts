import { z } from 'zod';
import type { Context } from '../ui/context.js';
import { catalogFor, eventOptionsShape, eventSettings, parseOptions } from './common.js';
import { signedEvent } from './signed.js';

const schema = z.object({
  ...eventOptionsShape,
  headers: z.boolean().default(false),
  json: z.boolean().default(false),
});

export async function payloadCommand(ctx: Context, event: string, raw: unknown): Promise<number> {
  const options = parseOptions(schema, raw);
  const [catalog, settings] = await Promise.all([catalogFor(ctx), eventSettings(ctx, options)]);
  const def = catalog.find(event, options.provider);
  const { headers, body } = signedEvent(ctx, def, settings, options.scheme);
  if (options.json) {
    ctx.out(JSON.stringify({ event: def.name, provider: def.provider, headers, body }));
  } else if (options.headers) {
    for (const [name, value] of Object.entries(headers)) ctx.out(`${name}: ${value}`);
    ctx.out('');
    ctx.out(body);
  } else {
    ctx.out(body);
  }
  return 0;
}
