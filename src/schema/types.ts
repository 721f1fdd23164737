/** The part of JSON Schema 2020-12 the event definitions use (see schemas/). */
export interface JsonSchema {
  $schema?: string;
  $comment?: string;
  title?: string;
  description?: string;
  type?: JsonType | JsonType[];
  const?: unknown;
  enum?: unknown[];
  format?: string;
  minLength?: number;
  pattern?: string;
  exclusiveMinimum?: number;
  default?: unknown;
  properties?: Record<string, JsonSchema>;
  required?: string[];
  items?: JsonSchema;
  anyOf?: JsonSchema[];
  if?: JsonSchema;
  then?: JsonSchema;
}

export type JsonType = 'string' | 'number' | 'integer' | 'boolean' | 'null' | 'array' | 'object';

/** One finding: where (a JSON Pointer into the payload) and what. */
export interface SchemaProblem {
  pointer: string;
  message: string;
}

export interface SchemaResult {
  /** Breaks of the contract: wrong types, missing required fields, values outside an enum. */
  problems: SchemaProblem[];
  /** Not failures: fields the schema does not know (vendors add fields), and annotation-only formats. */
  notes: SchemaProblem[];
}

/** `problem.pointer: message`, or just the message for the payload itself. */
export function formatProblem(problem: SchemaProblem): string {
  return problem.pointer === '' ? problem.message : `${problem.pointer}: ${problem.message}`;
}
