import type { Context } from '../ui/context.js';
import { catalogFor, eventSettings } from './common.js';
import type { OptionsOf } from './declare.js';
import type { payloadOptions } from './payload/options.js';
import { freshEvent, signedEvent } from './signed.js';

export async function payloadCommand(
  ctx: Context,
  event: string,
  options: OptionsOf<typeof payloadOptions>,
): Promise<number> {
  const [catalog, settings] = await Promise.all([catalogFor(ctx), eventSettings(ctx, options)]);
  const def = catalog.find(event, options.provider);
  // Only the body is shown: nothing is signed and no secret is read (one missing, or one the scheme
  // cannot use, is not an error here).
  if (!options.json && !options.headers) {
    ctx.out(freshEvent(ctx, def, settings).body);
    return 0;
  }
  const { headers, body } = signedEvent(ctx, def, settings, options.scheme);
  if (options.json) {
    ctx.out(JSON.stringify({ event: def.name, provider: def.provider, headers, body }));
  } else {
    for (const [name, value] of Object.entries(headers)) ctx.out(`${name}: ${value}`);
    ctx.out('');
    ctx.out(body);
  }
  return 0;
}
