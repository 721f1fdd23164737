import type { Context } from './context.js';

export interface Progress {
  update(text: string): void;
  stop(): void;
}

const silent: Progress = { update: () => {}, stop: () => {} };

/** An ora spinner on stderr when a person is watching; nothing otherwise. */
export async function startProgress(ctx: Context, text: string): Promise<Progress> {
  if (!ctx.interactive) return silent;
  const [{ default: ora }, { default: chalk }] = await Promise.all([import('ora'), import('chalk')]);
  // ora colours with chalk's shared instance, which the CLI's bundle builds without a terminal check
  // of its own (scripts/bundle.mjs): it takes the command's colour level.
  chalk.level = ctx.color.level;
  // ora's defaults take Ctrl-C away: stdin in raw mode turns it into a keystroke, and the cursor
  // restorer behind hideCursor kills the process before the command can print its partial summary.
  const spinner = ora({ text, stream: process.stderr, discardStdin: false, hideCursor: false }).start();
  return {
    update: (next) => {
      spinner.text = next;
    },
    stop: () => spinner.stop(),
  };
}
