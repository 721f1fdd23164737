import { EVENT_SCHEMA_TEXTS } from '../generated/schemas.js';
import type { JsonSchema, SchemaResult } from './types.js';
import { compileSchema, type Validator } from './validate.js';

const compiled = new Map<string, Validator>();
const parsed = new Map<string, JsonSchema>();

/** The JSON Schema of a built-in event, if the catalog defines one: parsed once, when first asked for. */
export function schemaFor(provider: string, event: string): JsonSchema | undefined {
  const texts = Object.hasOwn(EVENT_SCHEMA_TEXTS, provider) ? EVENT_SCHEMA_TEXTS[provider] : undefined;
  if (!texts || !Object.hasOwn(texts, event)) return undefined;
  const key = `${provider}\u0000${event}`;
  let schema = parsed.get(key);
  if (!schema) parsed.set(key, (schema = JSON.parse(texts[event]!) as JsonSchema));
  return schema;
}

/** Every provider's schemas, in catalog order. */
export function allSchemas(): Readonly<Record<string, Readonly<Record<string, JsonSchema>>>> {
  return Object.fromEntries(
    Object.entries(EVENT_SCHEMA_TEXTS).map(([provider, texts]) => [
      provider,
      Object.fromEntries(Object.keys(texts).map((event) => [event, schemaFor(provider, event)!])),
    ]),
  );
}

/** Validators of schemas a config's providers bring, compiled on first use, by schema object. */
const declared = new WeakMap<object, ReturnType<typeof compileSchema>>();

/**
 * Validates a payload against its event's schema, compiling that schema on first use only. A
 * schema the provider brings itself (a config's schema folder) comes before a built-in one.
 */
export function validateEvent(
  provider: string,
  event: string,
  payload: unknown,
  own?: Readonly<Record<string, object>>,
): SchemaResult | undefined {
  const mine = own && Object.hasOwn(own, event) ? own[event] : undefined;
  if (mine) {
    let validator = declared.get(mine);
    if (!validator) {
      validator = compileSchema(mine as JsonSchema);
      declared.set(mine, validator);
    }
    return validator(payload);
  }
  const key = `${provider}\u0000${event}`;
  let validator = compiled.get(key);
  if (!validator) {
    const schema = schemaFor(provider, event);
    if (!schema) return undefined;
    validator = compileSchema(schema);
    compiled.set(key, validator);
  }
  return validator(payload);
}
