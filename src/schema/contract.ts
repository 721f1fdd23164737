import type { EventDef } from '../core/catalog.js';
import { findProvider } from '../core/providers/index.js';
import { BUILTIN_REGISTRY } from '../core/registry.js';
import { VERSION } from '../version.js';
import { schemaFor } from './registry.js';
import type { JsonSchema } from './types.js';

/** One header a provider's deliveries carry, as both exports describe it. */
export interface ContractHeader {
  name: string;
  description: string;
  required: boolean;
}

/** The event's schema without `$schema`: inside a document the document's dialect applies. */
export function embeddedSchema(def: EventDef): JsonSchema {
  const schema = schemaFor(def.provider, def.name);
  if (!schema) throw new Error(`no schema for ${def.provider}:${def.name}`);
  const rest = { ...schema };
  delete rest.$schema;
  return rest;
}

/** The signature headers of a provider's scheme, and its retry header where it has one. */
export function providerHeaders(providerId: string): ContractHeader[] {
  const provider = findProvider(providerId);
  if (!provider) return [];
  const scheme = BUILTIN_REGISTRY.scheme(provider.scheme);
  const headers = scheme.headers.map((name) => ({
    name,
    description: `${scheme.description} (scheme: ${scheme.id})`,
    required: true,
  }));
  const retry = provider.retryHeaders?.(1);
  for (const name of Object.keys(retry ?? {})) {
    headers.push({ name, description: 'The attempt number on a retry (1, 2 or 3)', required: false });
  }
  return headers;
}

export const providerName = (id: string) => findProvider(id)?.name ?? id;
/** The path a receiver conventionally serves a provider's webhooks on (as the README's examples do). */
export const providerPath = (id: string) => `/webhooks/${id}`;
/** A key that is unique across providers and safe in a JSON Pointer and an operation id. */
export const eventKey = (def: EventDef) => `${def.provider}_${def.name.replace(/[^A-Za-z0-9_]/g, '_')}`;

export const documentInfo = (title: string) => ({
  title,
  version: VERSION,
  description:
    'Every webhook event of the mes-webhooks catalog (MES, Tracktile, Betterez, Katana MRP), as its vendor documents it: payload schema, signature headers and an example.',
});
