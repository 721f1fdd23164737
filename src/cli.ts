import { CommanderError } from 'commander';
import { existsSync } from 'node:fs';
import path from 'node:path';
import type { CommandSpec } from './commands/declare.js';
import { CliError } from './core/errors.js';
import { CONFIG_FILE_NAME } from './io/config-file.js';
import { buildProgram, commandIn } from './program.js';
import { processContext, type Context } from './ui/context.js';
import { EXIT_INTERRUPTED, presentError } from './ui/errors.js';

/** Reads the config file a command names with --config, or the one in the working folder. */
async function readConfig(ctx: Context, spec: CommandSpec, raw: Record<string, unknown>): Promise<void> {
  if (spec.readsConfig === false) return;
  const file = typeof raw.config === 'string' ? raw.config : undefined;
  // The config module (and zod) load only when there is a config file to read.
  if (file === undefined && !existsSync(path.join(ctx.cwd, CONFIG_FILE_NAME))) return;
  const { loadConfig } = await import('./io/settings.js');
  ctx.config = await loadConfig(ctx.cwd, file, ctx.runtime.random);
}

/** Runs the CLI and returns the exit code; the one place errors become exit codes and messages. */
export async function main(argv: string[], ctx: Context): Promise<number> {
  let exitCode = 0;
  const program = buildProgram(
    ctx,
    async (spec, args, raw) => {
      // The config comes first: it can declare providers and schemes the options are checked against.
      await readConfig(ctx, spec, raw);
      const [{ parseDeclared }, run] = await Promise.all([import('./commands/pieces.js'), spec.load!()]);
      const options = parseDeclared(spec.options, raw, ctx.config.registry);
      exitCode = await run(ctx, ...args, options);
    },
    commandIn(argv),
  );
  try {
    await program.parseAsync(argv, { from: 'user' });
    return exitCode;
  } catch (error) {
    return report(ctx, error);
  }
}

function report(ctx: Context, error: unknown): number {
  if (error instanceof CommanderError) {
    // Help and version are successes; every other commander error is bad usage.
    return error.exitCode === 0 ? 0 : 2;
  }
  if (error instanceof CliError) {
    const shown = presentError(error);
    ctx.err(`${ctx.color.red('Error:')} ${shown.message}`);
    if (shown.hint) ctx.err(ctx.color.dim(`Hint: ${shown.hint}`));
    return shown.exitCode;
  }
  if (isPromptExit(error)) return EXIT_INTERRUPTED;
  const message = error instanceof Error ? error.message : String(error);
  ctx.err(`${ctx.color.red('Unexpected error:')} ${message}`);
  if (ctx.env.MES_WEBHOOKS_DEBUG && error instanceof Error) ctx.err(error.stack ?? '');
  return 1;
}

function isPromptExit(error: unknown): boolean {
  return error instanceof Error && error.name === 'ExitPromptError';
}

export async function run(): Promise<void> {
  const ctx = await processContext();
  const code = await main(process.argv.slice(2), ctx);
  process.exitCode = code;
  // A reader slower than the command (a pipe that was full) gets everything before the exit below.
  await ctx.flushed?.();
  // Long-lived handles (sockets in keep-alive, a server) must not hold the process. A short command
  // usually leaves none: it ends here, without waiting for the work V8 would do at a natural exit
  // (a young-generation collection it scheduled, of a heap about to be dropped).
  if (process.getActiveResourcesInfo().length > 0) setTimeout(() => process.exit(code), 50).unref();
  else process.exit(code);
}
