import type { Command } from 'commander';
import type { Context } from '../ui/context.js';

/** Declares `schema` and `export`; their bodies load only when they run. */
export function registerSchemaCommands(
  program: Command,
  ctx: Context,
  run: (load: () => Promise<number>) => () => Promise<void>,
  providerIds: string,
): void {
  const examples = (...lines: string[]) => `\nExamples:\n${lines.map((l) => `  $ ${l}`).join('\n')}\n`;
  program
    .command('schema')
    .description("Print an event's JSON Schema (2020-12), or write every schema with --all --output DIR")
    .argument('[event]', 'event type, e.g. work_order.created (or provider:event)')
    .option('--provider <provider>', `pick the event from this provider (${providerIds})`)
    .option('--all', 'every event: to DIR/<provider>/<event>.json with --output, else one JSON object')
    .option('--output <dir>', 'with --all, the folder to write')
    .addHelpText(
      'after',
      examples('mes-webhooks schema work_order.created', 'mes-webhooks schema --all --output schemas/'),
    )
    .action((event: string | undefined, opts) =>
      run(async () => (await import('../commands/schema.js')).schemaCommand(ctx, event, opts))(),
    );
  program
    .command('export')
    .description('Write the catalog as an OpenAPI 3.1 (webhooks) or AsyncAPI 3.0 document')
    .argument('<kind>', 'openapi or asyncapi')
    .option('--output <file>', 'write to this file instead of stdout')
    .option('--provider <provider>', `only this provider's events (${providerIds})`)
    .option('--format <format>', 'json (default) or yaml')
    .addHelpText(
      'after',
      examples(
        'mes-webhooks export openapi --output webhooks.openapi.json',
        'mes-webhooks export asyncapi --provider katana --format yaml',
      ),
    )
    .action((kind: string, opts) =>
      run(async () => (await import('../commands/schema.js')).exportCommand(ctx, kind, opts))(),
    );
}
