import type { JsonSchema } from '../src/schema/types.js';

export const SCHEMA_DIALECT: string;
export const EVENT_FIELD: Record<string, string>;
export function mergeSchemas(base: JsonSchema, patch: JsonSchema): JsonSchema;
export function composeSchema(
  provider: string,
  event: string,
  envelope: JsonSchema,
  fragment: JsonSchema,
): JsonSchema;
export function composeAll(root?: string): Record<string, Record<string, JsonSchema>>;
export function typeFromSchema(schema: JsonSchema, indent?: number): string;
