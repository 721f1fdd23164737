// node:crypto on first use: commands that sign nothing and make no ids (`--help`, `events`) start
// without it.
let crypto: typeof import('node:crypto') | undefined;

export const nodeCrypto = (): typeof import('node:crypto') =>
  (crypto ??= process.getBuiltinModule('node:crypto'));

/** Whether something has loaded node:crypto already. */
export const cryptoLoaded = (): boolean => crypto !== undefined;
