import { CommanderError } from 'commander';
import { CliError } from './core/errors.js';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { CONFIG_FILE_NAME } from './io/config-file.js';
import { buildProgram } from './program.js';
import { processContext, type Context } from './ui/context.js';

/** Runs the CLI and returns the exit code; the one place errors become exit codes and messages. */
export async function main(argv: string[], ctx: Context): Promise<number> {
  let exitCode = 0;
  try {
    const file = flagValue(argv, '--config');
    const skip = argv.some((a) => ['-h', '--help', '-v', '--version', 'help', 'init'].includes(a));
    // The config module (and zod) load only when there is a config file to read.
    if (!skip && (file !== undefined || existsSync(path.join(ctx.cwd, CONFIG_FILE_NAME)))) {
      const { loadConfig } = await import('./io/settings.js');
      ctx.config = await loadConfig(ctx.cwd, file);
    }
  } catch (error) {
    return report(ctx, error);
  }
  const program = buildProgram(ctx, (code) => {
    exitCode = code;
  });
  const override = (command: typeof program) => {
    command.exitOverride();
    command.commands.forEach(override);
  };
  override(program);
  try {
    await program.parseAsync(argv, { from: 'user' });
    return exitCode;
  } catch (error) {
    return report(ctx, error);
  }
}

/** The value of `--flag value` or `--flag=value` in argv. */
function flagValue(argv: string[], flag: string): string | undefined {
  for (let i = 0; i < argv.length; i++) {
    if (argv[i] === flag) return argv[i + 1];
    if (argv[i]!.startsWith(`${flag}=`)) return argv[i]!.slice(flag.length + 1);
  }
  return undefined;
}

function report(ctx: Context, error: unknown): number {
  if (error instanceof CommanderError) {
    // Help and version are successes; every other commander error is bad usage.
    return error.exitCode === 0 ? 0 : 2;
  }
  if (error instanceof CliError) {
    ctx.err(`${ctx.color.red('Error:')} ${error.message}`);
    if (error.hint) ctx.err(ctx.color.dim(`Hint: ${error.hint}`));
    return error.exitCode;
  }
  if (isPromptExit(error)) return 130;
  const message = error instanceof Error ? error.message : String(error);
  ctx.err(`${ctx.color.red('Unexpected error:')} ${message}`);
  if (ctx.env.MES_WEBHOOKS_DEBUG && error instanceof Error) ctx.err(error.stack ?? '');
  return 1;
}

function isPromptExit(error: unknown): boolean {
  return error instanceof Error && error.name === 'ExitPromptError';
}

export async function run(): Promise<void> {
  // A reader that stops early (`| head`) is not an error.
  process.stdout.on('error', (error: NodeJS.ErrnoException) => {
    if (error.code === 'EPIPE') process.exit(process.exitCode ?? 0);
  });
  const ctx = processContext();
  const code = await main(process.argv.slice(2), ctx);
  process.exitCode = code;
  // Long-lived handles (sockets in keep-alive, signal listeners) must not hold the process.
  setTimeout(() => process.exit(code), 50).unref();
}
