import { createRequire } from 'node:module';

// node:crypto on first use: commands that sign nothing and make no ids (`--help`, `events`) start
// without it.
const require = createRequire(import.meta.url);
let crypto: typeof import('node:crypto') | undefined;

export const nodeCrypto = (): typeof import('node:crypto') =>
  (crypto ??= require('node:crypto') as typeof import('node:crypto'));
