/** Errors that carry the exit code the CLI ends with, and a hint naming what to do next. */
export class CliError extends Error {
  constructor(
    message: string,
    readonly exitCode: 1 | 2,
    readonly hint?: string,
  ) {
    super(message);
    this.name = new.target.name;
  }
}

/** Bad usage or bad input: exit 2. */
export class UsageError extends CliError {
  constructor(message: string, hint?: string) {
    super(message, 2, hint);
  }
}

/** What was sent or checked failed: exit 1. */
export class FailureError extends CliError {
  constructor(message: string, hint?: string) {
    super(message, 1, hint);
  }
}
