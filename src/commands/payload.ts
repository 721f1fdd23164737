import type { Context } from '../ui/context.js';
import { catalogFor, eventSettings } from './common.js';
import type { OptionsOf } from './declare.js';
import type { payloadOptions } from './payload/options.js';
import { signedEvent } from './signed.js';

export async function payloadCommand(
  ctx: Context,
  event: string,
  options: OptionsOf<typeof payloadOptions>,
): Promise<number> {
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
