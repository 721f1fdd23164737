import { fstatSync, statSync, writeSync } from 'node:fs';

/**
 * isatty without node:tty (which loads net and Node's stream stack) for what is plainly not a
 * terminal: a pipe, a file, or /dev/null (what a parent's 'ignore' gives), since only a character
 * device can be one.
 */
export function isTerminal(fd: number): boolean {
  try {
    const stat = fstatSync(fd);
    if (!stat.isCharacterDevice() || stat.rdev === devNull()) return false;
  } catch {
    return false;
  }
  return process.getBuiltinModule('node:tty').isatty(fd);
}

let nullDevice: number | undefined;
function devNull(): number {
  try {
    return (nullDevice ??= statSync('/dev/null').rdev);
  } catch {
    return (nullDevice = -1);
  }
}

/**
 * stdout or stderr, written straight to its file descriptor. For a pipe, process.stdout is built
 * from Node's whole stream stack, a good part of a short command's start-up; a short command
 * never needs it. Node's stream takes over for good, so that writes keep their order, at the first
 * write the descriptor does not take whole at once, or when the command asks for it (`queued`).
 */
export class Output {
  readonly isTTY: boolean;
  private stream: NodeJS.WriteStream | undefined;

  constructor(private readonly fd: 1 | 2) {
    this.isTTY = isTerminal(fd);
  }

  /**
   * Node's stream for this descriptor, from now on the only way out: it queues what a slow reader
   * has not taken instead of blocking the event loop, as a command that serves requests needs.
   */
  get queued(): NodeJS.WriteStream {
    if (this.stream) return this.stream;
    this.stream = this.fd === 1 ? process.stdout : process.stderr;
    if (this.fd === 1) this.stream.on('error', stdoutFailed);
    return this.stream;
  }

  /**
   * Resolves once what Node's stream holds, if this descriptor has one, has gone out (or cannot):
   * a reader slower than the command must still get all of it before the process exits.
   */
  flushed(): Promise<void> {
    const stream = this.stream;
    if (!stream || stream.destroyed || stream.writableLength === 0) return Promise.resolve();
    // Written in order: the callback of an empty write runs after everything queued before it.
    return new Promise((resolve) => stream.write('', () => resolve()));
  }

  /** False when Node's stream holds the text until the reader takes it ('drain' on `queued`). */
  write(text: string): boolean {
    if (this.stream) return this.stream.write(text);
    let rest: string | Buffer = text;
    try {
      const written = writeSync(this.fd, text);
      if (written === Buffer.byteLength(text)) return true;
      rest = Buffer.from(text).subarray(written);
    } catch (error) {
      // EAGAIN: a descriptor another process made non-blocking, and full; the stream waits for it.
      if ((error as NodeJS.ErrnoException).code !== 'EAGAIN') {
        // stderr has no one left to tell.
        if (this.fd === 1) stdoutFailed(error as NodeJS.ErrnoException);
        return true;
      }
    }
    return this.queued.write(rest);
  }
}

/**
 * stdout cannot take what the command prints, wherever the write came from (a timer, a sink):
 * a reader that stopped early (`| head`) is not an error; anything else (a full disk) fails the
 * command, since its output is not all there.
 */
function stdoutFailed(error: NodeJS.ErrnoException): void {
  if (error.code === 'EPIPE') process.exit(process.exitCode ?? 0);
  try {
    writeSync(2, `Error: cannot write to stdout: ${error.message}\n`);
  } catch {
    // No stderr either: the exit code says it.
  }
  process.exit(1);
}
