import { CliError, type ErrorCode } from '../core/errors.js';

/** An error as the user sees it: a message, a hint that names what to do next, an exit code. */
export interface Presented {
  message: string;
  hint?: string;
  exitCode: number;
}

/** Hints for codes whose domain error carries none: the edge knows the commands and flags. */
const HINTS: Partial<Record<ErrorCode, string>> = {
  E_UNKNOWN_EVENT: 'run `mes-webhooks events` to list the event types',
  E_UNKNOWN_PROVIDER: 'run `mes-webhooks events` to see the providers',
  E_NOT_LISTENING: 'start one with `mes-webhooks listen`, or pass --to',
};

export const EXIT_INTERRUPTED = 130;

export function presentError(error: CliError): Presented {
  const { exitCode } = error;
  if (error.code === 'E_UNKNOWN_EVENT' && error.hint)
    return {
      message: error.message,
      hint: `${error.hint} (\`mes-webhooks events\` lists them all)`,
      exitCode,
    };
  return { message: error.message, hint: error.hint ?? HINTS[error.code], exitCode };
}

/** A domain error raised while reading one flag's value, told as that flag's error. */
export function asFlagError(flag: string, error: unknown): unknown {
  if (!(error instanceof CliError)) return error;
  return new CliError(
    `${flag}: ${error.message}`,
    error.exitCode,
    error.hint ?? HINTS[error.code],
    error.code,
  );
}

/** Runs `read` and blames `flag` for any domain error it throws. */
export function readFlag<T>(flag: string, read: () => T): T {
  try {
    return read();
  } catch (error) {
    throw asFlagError(flag, error);
  }
}
