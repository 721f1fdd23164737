import type { Context } from '../../ui/context.js';
import type { Sink } from '../stream.js';

/** Warnings on stderr, whatever the output format: a --json stream stays deliveries and figures. */
export function warningSink(ctx: Context): Sink {
  return {
    accept(event) {
      if (event.type !== 'warning') return;
      ctx.err(ctx.color.yellow(`Warning: ${event.message}`));
      if (event.hint) ctx.err(ctx.color.dim(`Hint: ${event.hint}`));
    },
  };
}
