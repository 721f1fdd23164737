import { z } from 'zod';
import { buildEvent, deliveryHeaders, providerOf } from '../core/build.js';
import { loadCatalog } from '../io/fixtures.js';
import type { Context } from '../ui/context.js';
import { eventOptionsShape, eventSettings, parseOptions } from './common.js';
import { USER_AGENT } from '../version.js';

const schema = z.object({
  ...eventOptionsShape,
  headers: z.boolean().default(false),
  json: z.boolean().default(false),
});

export async function payloadCommand(ctx: Context, event: string, raw: unknown): Promise<number> {
  const options = parseOptions(schema, raw);
  const [catalog, settings] = await Promise.all([loadCatalog(), eventSettings(ctx, options)]);
  const def = catalog.find(event, options.provider);
  const now = ctx.runtime.now();
  const built = buildEvent(def, {
    fresh: { now, uuid: ctx.runtime.uuid },
    data: settings.data,
    sets: settings.sets,
  });
  const headers = {
    ...deliveryHeaders(built.body, {
      scheme: options.scheme ?? providerOf(def).scheme,
      secret: settings.secret,
      now,
      messageId: built.eventId ?? `msg_${ctx.runtime.uuid().replace(/-/g, '')}`,
      userAgent: USER_AGENT,
    }),
    ...settings.headers,
  };
  if (options.json) {
    ctx.out(JSON.stringify({ event: def.name, provider: def.provider, headers, body: built.body }));
  } else if (options.headers) {
    for (const [name, value] of Object.entries(headers)) ctx.out(`${name}: ${value}`);
    ctx.out('');
    ctx.out(built.body);
  } else {
    ctx.out(built.body);
  }
  return 0;
}
