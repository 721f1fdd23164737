import type { Context } from './context.js';

export interface Progress {
  update(text: string): void;
  stop(): void;
}

const silent: Progress = { update: () => {}, stop: () => {} };

/** An ora spinner on stderr when a person is watching; nothing otherwise. */
export async function startProgress(ctx: Context, text: string): Promise<Progress> {
  if (!ctx.interactive) return silent;
  const { default: ora } = await import('ora');
  // ora's default puts stdin in raw mode, where Ctrl-C is a keystroke and never a SIGINT.
  const spinner = ora({ text, stream: process.stderr, discardStdin: false }).start();
  return {
    update: (next) => {
      spinner.text = next;
    },
    stop: () => spinner.stop(),
  };
}
