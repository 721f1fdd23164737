import type { z } from '../core/zod.js';
import type { Context } from '../ui/context.js';
import type { Pieces } from './pieces.js';

/**
 * One option, declared once: its commander flags and help, and its zod piece. The piece is a
 * function of the zod pieces, so building `--help` never loads zod.
 */
export interface Flag<S extends z.ZodType = z.ZodType> {
  readonly flags: string;
  readonly help: string;
  readonly zod: (p: Pieces) => S;
  /** Given more than once, the values collect into a list. */
  readonly repeatable?: boolean;
  readonly choices?: readonly string[];
  readonly required?: boolean;
}

export type Flags = Record<string, Flag>;

export function flag<S extends z.ZodType>(
  flags: string,
  help: string,
  zod: (p: Pieces) => S,
  more: Pick<Flag, 'repeatable' | 'choices' | 'required'> = {},
): Flag<S> {
  return { flags, help, zod, ...more };
}

/** The parsed options a command receives for its declarations. */
export type OptionsOf<F extends Flags> = z.output<
  z.ZodObject<{ -readonly [K in keyof F]: ReturnType<F[K]['zod']> }>
>;

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- each command takes its own positional arguments
export type CommandRun = (ctx: Context, ...args: any[]) => Promise<number>;

/** A command as data: commander wiring is generated from it, the body is loaded only when it runs. */
export interface CommandSpec {
  readonly name: string;
  readonly description: string;
  /** Positional arguments in commander's syntax: `<event>`, `[events...]`. */
  readonly args?: readonly (readonly [syntax: string, help: string])[];
  readonly options: Flags;
  readonly examples: readonly string[];
  /** The command runs when its parent is given no subcommand. */
  readonly isDefault?: boolean;
  /** `init` writes the config file rather than reading it. */
  readonly readsConfig?: boolean;
  readonly load?: () => Promise<CommandRun>;
  readonly subcommands?: readonly CommandSpec[];
}
