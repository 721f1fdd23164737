import { once } from 'node:events';
import { createWriteStream } from 'node:fs';
import path from 'node:path';
import { FailureError, UsageError } from '../core/errors.js';
import type { Context } from '../ui/context.js';

/** Where `logs export` writes: a file, or stdout for `-`, as fast as the reader takes it. */
export interface ExportTarget {
  /** The file's path, or `stdout`. */
  where: string;
  write(text: string): Promise<void>;
  end(): Promise<void>;
}

export async function exportTarget(ctx: Context, file: string): Promise<ExportTarget> {
  // On stdout each piece is a line of its own.
  if (file === '-')
    return { where: 'stdout', write: (text) => ctx.stream(text.replace(/\n$/, '')), end: async () => {} };
  const where = path.resolve(ctx.cwd, file);
  const out = createWriteStream(where, { mode: 0o600 });
  await once(out, 'open').catch((error: Error) => {
    throw new UsageError(`cannot write ${where}: ${error.message}`);
  });
  // A write that fails later (a full disk) fails the export, whenever the stream reports it.
  let failure: Error | undefined;
  out.on('error', (error) => (failure ??= error));
  const check = () => {
    if (failure) throw new FailureError(`cannot write ${where}: ${failure.message}`);
  };
  return {
    where,
    write: async (text) => {
      check();
      if (!out.write(text)) await once(out, 'drain').catch(() => undefined);
      check();
    },
    end: async () => {
      check();
      out.end();
      // 'close' comes after the last write is done, or after it failed.
      await new Promise<void>((resolve) => out.once('close', () => resolve()));
      check();
    },
  };
}
