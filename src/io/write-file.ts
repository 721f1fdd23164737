import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { FailureError, UsageError } from '../core/errors.js';

/**
 * Writes a file the user named (a report, a document, a folder of schemas), its folder made as
 * needed. A path that cannot be made or opened is bad usage (exit 2); a write that fails once
 * the file is open, a full disk, is a failure (exit 1). Either way the message says which file.
 */
export async function writeNamedFile(file: string, text: string): Promise<void> {
  try {
    await mkdir(path.dirname(file), { recursive: true });
    await writeFile(file, text);
  } catch (error) {
    const failed = error as NodeJS.ErrnoException;
    const message = `cannot write ${file}: ${failed.message}`;
    throw failed.syscall === 'write' ? new FailureError(message) : new UsageError(message);
  }
}
