import { fstatSync, statSync, writeSync } from 'node:fs';
import { FailureError } from '../core/errors.js';

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
    // A reader that stops early (`| head`) is not an error.
    if (this.fd === 1) this.stream.on('error', (error: NodeJS.ErrnoException) => readerGone(error));
    return this.stream;
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
      const code = (error as NodeJS.ErrnoException).code;
      if (code === 'EPIPE') {
        if (this.fd === 1) readerGone(error as NodeJS.ErrnoException);
        return true;
      }
      // Output that cannot be written (a full disk) fails the command; stderr has no one to tell.
      if (code !== 'EAGAIN') {
        if (this.fd === 2) return true;
        throw new FailureError(`cannot write to stdout: ${(error as Error).message}`);
      }
      // EAGAIN: a descriptor another process made non-blocking, and full; the stream waits for it.
    }
    return this.queued.write(rest);
  }
}

function readerGone(error: NodeJS.ErrnoException): void {
  if (error.code === 'EPIPE') process.exit(process.exitCode ?? 0);
  // Anything else: what the command printed is not all there, and a script must know.
  writeSync(2, `Error: cannot write to stdout: ${error.message}\n`);
  process.exit(1);
}
