import { UsageError } from './errors.js';
import { headerValue, type HeaderInput } from './headers.js';
import { BUILTIN_PLACES } from './providers/builtins.js';
import type { Payload, Provider, ProviderPlace, Schedule } from './providers/types.js';
import type { Scheme } from './schemes/types.js';

/** Providers, schemes and places a config file adds to the built-ins. */
export interface Declarations {
  places?: readonly ProviderPlace[];
  providers?: readonly Provider[];
  schemes?: readonly Scheme[];
}

/**
 * Every provider and scheme one run knows: a value built from the built-in folders plus the config
 * file's declarations, and passed to whatever needs it. Declared ones win over built-ins in detection.
 */
export interface Registry {
  /** Built-ins first, in their order, then declared ones. */
  readonly providers: readonly Provider[];
  readonly schemes: readonly Scheme[];
  /** Retry schedule presets by name. */
  readonly schedules: Readonly<Record<string, Schedule>>;
  provider(id: string): Provider | undefined;
  hasScheme(id: string): boolean;
  /** The scheme with this id; a usage error naming the known ones when there is none. */
  scheme(id: string): Scheme;
  lifecycle(providerId: string): readonly string[];
  isBuiltin(id: string): boolean;
  /** The provider whose envelope a parsed body has; `preferScheme` breaks ties between loose matches. */
  detectProvider(payload: unknown, preferScheme?: string): Provider | undefined;
  /** The scheme whose identifying header a request carries. */
  detectScheme(headers: HeaderInput): Scheme | undefined;
  /** A new registry with more declared; this one is unchanged. */
  with(declared: Declarations): Registry;
}

export function createRegistry(
  declared: Declarations = {},
  builtins: readonly ProviderPlace[] = BUILTIN_PLACES,
): Registry {
  const places = [...builtins, ...(declared.places ?? [])];
  const byId = <T extends { id: string }>(items: readonly T[]) => {
    const map = new Map<string, T>();
    for (const item of items) map.set(item.id, item);
    return map;
  };
  const providers = byId([
    ...places.flatMap((p) => (p.provider ? [p.provider] : [])),
    ...(declared.providers ?? []),
  ]);
  const schemes = byId([...places.map((p) => p.scheme), ...(declared.schemes ?? [])]);
  const builtinIds = new Set(builtins.flatMap((p) => [p.id, ...(p.provider ? [p.provider.id] : [])]));
  // Detection tries declared ones before built-ins, so a declaration can claim a built-in's header.
  const detectionOrder = <T extends { id: string }>(items: readonly T[]) => [
    ...items.filter((i) => !builtinIds.has(i.id)),
    ...items.filter((i) => builtinIds.has(i.id)),
  ];
  const providerList = [...providers.values()];
  const schemeList = [...schemes.values()];
  const providerDetection = detectionOrder(providerList);
  const schemeDetection = detectionOrder(schemeList);
  const schedules: Record<string, Schedule> = {};
  for (const place of places) schedules[place.id] = place.schedule;
  const lifecycles = new Map(places.map((p) => [p.provider?.id ?? p.id, p.lifecycle]));

  const registry: Registry = {
    providers: providerList,
    schemes: schemeList,
    schedules,
    provider: (id) => providers.get(id),
    hasScheme: (id) => schemes.has(id),
    scheme(id) {
      const scheme = schemes.get(id);
      if (!scheme)
        throw new UsageError(`unknown scheme "${id}"`, `the schemes are ${[...schemes.keys()].join(', ')}`);
      return scheme;
    },
    lifecycle: (id) => lifecycles.get(id) ?? [],
    isBuiltin: (id) => builtinIds.has(id),
    detectProvider(payload, preferScheme) {
      if (typeof payload !== 'object' || payload === null || Array.isArray(payload)) return undefined;
      const candidates = providerDetection.filter((p) => p.matches(payload as Payload));
      if (candidates.length <= 1) return candidates[0];
      const fitting = candidates.filter((p) => p.envelope.safeParse(payload).success);
      return fitting.find((p) => p.scheme === preferScheme) ?? fitting[0] ?? candidates[0];
    },
    detectScheme(headers) {
      for (const scheme of schemeDetection)
        for (const name of scheme.identifiedBy ?? [scheme.headers[0]!])
          if (headerValue(headers, name) !== undefined) return scheme;
      return undefined;
    },
    with: (more) =>
      createRegistry(
        {
          places: [...(declared.places ?? []), ...(more.places ?? [])],
          providers: [...(declared.providers ?? []), ...(more.providers ?? [])],
          schemes: [...(declared.schemes ?? []), ...(more.schemes ?? [])],
        },
        builtins,
      ),
  };
  return registry;
}

/** The built-in providers and schemes alone: what a library caller gets without a config file. */
export const BUILTIN_REGISTRY: Registry = createRegistry();
