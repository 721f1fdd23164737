import { BUILTIN_REGISTRY } from '../registry.js';
import type { Provider } from './types.js';

export * from './types.js';
export { MES_SCHEDULE } from './mes/index.js';
export { KATANA_SCHEDULE } from './katana/index.js';
export { STANDARD_SCHEDULE } from './standard/index.js';

/** The built-in providers (a config file's are in the registry its run builds). */
export const PROVIDERS: readonly Provider[] = BUILTIN_REGISTRY.providers;

export const findProvider = (id: string): Provider | undefined => BUILTIN_REGISTRY.provider(id);

/** The built-in provider whose envelope a parsed body has, if any. */
export const detectProvider = (payload: unknown): Provider | undefined =>
  BUILTIN_REGISTRY.detectProvider(payload);
