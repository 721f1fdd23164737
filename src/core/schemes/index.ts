import type { HeaderInput } from '../headers.js';
import { BUILTIN_REGISTRY, type Registry } from '../registry.js';
import {
  invalid,
  SCHEME_IDS,
  type BuiltinSchemeId,
  type Scheme,
  type SchemeId,
  type SignInput,
  type VerifyInput,
  type VerifyResult,
} from './types.js';

export * from './types.js';
export { standardKey } from '../providers/standard/scheme.js';

/** The built-in schemes by id. */
export const SCHEMES: Readonly<Record<BuiltinSchemeId, Scheme>> = Object.fromEntries(
  SCHEME_IDS.map((id) => [id, BUILTIN_REGISTRY.scheme(id)]),
) as Record<BuiltinSchemeId, Scheme>;

/** The scheme whose identifying header a request carries, if any. */
export function detectScheme(
  headers: HeaderInput,
  registry: Registry = BUILTIN_REGISTRY,
): Scheme | undefined {
  return registry.detectScheme(headers);
}

export function sign(
  scheme: SchemeId,
  input: SignInput,
  registry: Registry = BUILTIN_REGISTRY,
): Record<string, string> {
  return registry.scheme(scheme).sign(input);
}

export function verify(
  scheme: SchemeId,
  input: VerifyInput,
  registry: Registry = BUILTIN_REGISTRY,
): VerifyResult {
  try {
    return registry.scheme(scheme).verify(input);
  } catch (error) {
    // A guard: verification must give a verdict on any input, never an exception.
    return invalid(`could not verify: ${(error as Error).message}`);
  }
}
