import type { Interface, ReadLineOptions } from 'node:readline';

/**
 * node:readline's line reader, with the module loaded on first use: only commands that read the log
 * need it, and a command that only writes to the log starts without it.
 */
export function readLines(options: ReadLineOptions): Interface {
  return process.getBuiltinModule('node:readline').createInterface(options);
}
