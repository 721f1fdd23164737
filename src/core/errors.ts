/**
 * Stable codes a caller can branch on; the CLI edge turns them into messages with hints and exit
 * codes. Messages here name no command-line flags: library callers have none.
 */
export type ErrorCode =
  | 'E_USAGE'
  | 'E_FAILED'
  | 'E_UNKNOWN_EVENT'
  | 'E_UNKNOWN_PROVIDER'
  | 'E_UNKNOWN_SCHEME'
  | 'E_BAD_DURATION'
  | 'E_BAD_SINCE'
  | 'E_BAD_SCHEDULE'
  | 'E_BAD_ASSIGNMENT'
  | 'E_BAD_PATH'
  | 'E_BAD_PAYLOAD'
  | 'E_TOO_DEEP'
  | 'E_BAD_SECRET'
  | 'E_BAD_CONFIG'
  | 'E_NOT_LISTENING'
  | 'E_NOT_IN_LOG'
  | 'E_NOT_CAPTURABLE'
  | 'E_EXISTS'
  | 'E_UNWRITABLE';

/** An error with a stable code, the exit code the CLI ends with, and a hint naming what to do next. */
export class CliError extends Error {
  constructor(
    message: string,
    readonly exitCode: 1 | 2,
    readonly hint?: string,
    readonly code: ErrorCode = exitCode === 2 ? 'E_USAGE' : 'E_FAILED',
  ) {
    super(message);
    this.name = new.target.name;
  }
}

/** Bad usage or bad input: exit 2. */
export class UsageError extends CliError {
  constructor(message: string, hint?: string, code: ErrorCode = 'E_USAGE') {
    super(message, 2, hint, code);
  }
}

/** What was sent or checked failed: exit 1. */
export class FailureError extends CliError {
  constructor(message: string, hint?: string, code: ErrorCode = 'E_FAILED') {
    super(message, 1, hint, code);
  }
}
