import path from 'node:path';
import { UsageError } from '../core/errors.js';
import { schemaFor } from '../schema/registry.js';
import type { Context } from '../ui/context.js';
import { catalogFor } from './common.js';
import type { OptionsOf } from './declare.js';
import type { exportOptions } from './export/options.js';
import type { schemaOptions } from './schema/options.js';
import { writeNamedFile } from '../io/write-file.js';

const pretty = (value: unknown) => `${JSON.stringify(value, null, 2)}\n`;

/** `schema <event>` prints one event's JSON Schema; `schema --all --output DIR` writes DIR/<provider>/<event>.json. */
export async function schemaCommand(
  ctx: Context,
  event: string | undefined,
  options: OptionsOf<typeof schemaOptions>,
): Promise<number> {
  const catalog = await catalogFor(ctx);
  if (!options.all) {
    if (event === undefined)
      throw new UsageError('name an event, or use --all', 'e.g. mes-webhooks schema work_order.created');
    if (options.output !== undefined)
      throw new UsageError('--output goes with --all; `schema <event>` prints to stdout');
    const def = catalog.find(event, options.provider);
    const schema = schemaFor(def.provider, def.name);
    if (!schema)
      throw new UsageError(`${def.provider}:${def.name} has no schema (only the built-in events have one)`);
    ctx.stdout.write(pretty(schema));
    return 0;
  }
  if (event !== undefined) throw new UsageError('name an event or use --all, not both');
  const defs = (options.provider ? catalog.ofProvider(options.provider) : [...catalog.events]).filter((d) =>
    schemaFor(d.provider, d.name),
  );
  if (options.output === undefined) {
    const all: Record<string, Record<string, unknown>> = {};
    for (const d of defs) (all[d.provider] ??= {})[d.name] = schemaFor(d.provider, d.name);
    ctx.stdout.write(pretty(all));
    return 0;
  }
  const root = path.resolve(ctx.cwd, options.output);
  await Promise.all(
    defs.map((d) =>
      writeNamedFile(path.join(root, d.provider, `${d.name}.json`), pretty(schemaFor(d.provider, d.name))),
    ),
  );
  ctx.err(`Wrote ${defs.length} schemas to ${path.relative(ctx.cwd, root) || '.'}`);
  return 0;
}

/** `export openapi|asyncapi`: the catalog as an OpenAPI 3.1 or AsyncAPI 3.0 document. */
export async function exportCommand(
  ctx: Context,
  kind: string,
  options: OptionsOf<typeof exportOptions>,
): Promise<number> {
  if (kind !== 'openapi' && kind !== 'asyncapi')
    throw new UsageError(`cannot export "${kind}"`, 'export openapi or export asyncapi');
  const catalog = await catalogFor(ctx);
  const defs = (options.provider ? catalog.ofProvider(options.provider) : [...catalog.events]).filter((d) =>
    schemaFor(d.provider, d.name),
  );
  const document =
    kind === 'openapi'
      ? (await import('../schema/openapi.js')).openApiDocument(defs)
      : (await import('../schema/asyncapi.js')).asyncApiDocument(defs);
  // The format follows --format, else the output file's extension, else JSON.
  const format = options.format ?? (options.output && /\.ya?ml$/i.test(options.output) ? 'yaml' : 'json');
  const text = format === 'yaml' ? (await import('../schema/yaml.js')).toYaml(document) : pretty(document);
  if (options.output === undefined) {
    ctx.stdout.write(text);
    return 0;
  }
  const target = path.resolve(ctx.cwd, options.output);
  await writeNamedFile(target, text);
  ctx.err(
    `Wrote ${kind === 'openapi' ? 'OpenAPI 3.1' : 'AsyncAPI 3.0'} (${defs.length} events, ${format}) to ${options.output}`,
  );
  return 0;
}
