import type { Context } from '../ui/context.js';
import type { Piece, Pieces } from './pieces.js';

/**
 * One option, declared once: its commander flags and help, and the check of its value. The check
 * is a function of the pieces, so building `--help` loads none of them.
 */
export interface Flag<T = unknown> {
  readonly flags: string;
  readonly help: string;
  readonly piece: (p: Pieces) => Piece<T>;
  /** Given more than once, the values collect into a list. */
  readonly repeatable?: boolean;
  readonly choices?: readonly string[];
  readonly required?: boolean;
}

export type Flags = Record<string, Flag>;

export function flag<T>(
  flags: string,
  help: string,
  piece: (p: Pieces) => Piece<T>,
  more: Pick<Flag, 'repeatable' | 'choices' | 'required'> = {},
): Flag<T> {
  return { flags, help, piece, ...more };
}

/** The parsed options a command receives for its declarations. */
export type OptionsOf<F extends Flags> = { -readonly [K in keyof F]: F[K] extends Flag<infer T> ? T : never };

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
