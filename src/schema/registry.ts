import { eventSchemas } from '../generated/schemas.js';
import type { JsonSchema, SchemaResult } from './types.js';
import { compileSchema, type Validator } from './validate.js';

const compiled = new Map<string, Validator>();

/** The JSON Schema of a built-in event, if the catalog defines one. */
export function schemaFor(provider: string, event: string): JsonSchema | undefined {
  const schemas = eventSchemas();
  const byEvent = Object.hasOwn(schemas, provider) ? schemas[provider] : undefined;
  return byEvent && Object.hasOwn(byEvent, event) ? byEvent[event] : undefined;
}

/** Every provider's schemas, in catalog order. */
export function allSchemas(): Readonly<Record<string, Readonly<Record<string, JsonSchema>>>> {
  return eventSchemas();
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
