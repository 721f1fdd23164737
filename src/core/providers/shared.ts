import type { JsonSchema } from '../../schema/types.js';
import { compileSchema, type Validator } from '../../schema/validate.js';
import type { EnvelopeSchema } from './types.js';

/**
 * A provider's envelope, declared as JSON Schema and checked by the same validator as the event
 * schemas; compiled on first use (most runs never check an envelope).
 */
export function envelopeOf(schema: JsonSchema): EnvelopeSchema {
  let validate: Validator | undefined;
  return {
    safeParse(value) {
      validate ??= compileSchema(schema);
      const { problems } = validate(value);
      if (problems.length === 0) return { success: true };
      const issues = problems.map((p) => ({
        path: p.pointer
          .split('/')
          .slice(1)
          .map((k) => k.replace(/~1/g, '/').replace(/~0/g, '~')),
        message: p.message,
      }));
      return { success: false, error: { issues } };
    },
  };
}

/** Pieces several providers' envelopes share. */
export const nonEmpty: JsonSchema = { type: 'string', minLength: 1 };
export const eventName: JsonSchema = { type: 'string', pattern: '^[a-z_]+(\\.[a-z_]+)+$' };
export const isoTime: JsonSchema = { type: 'string', format: 'date-time' };
export const record: JsonSchema = { type: 'object' };
/** Katana's ids: a whole number or a non-empty string. */
export const numberOrText: JsonSchema = { anyOf: [{ type: 'integer' }, nonEmpty] };

export const compactHex = (uuid: string, length: number) => uuid.replace(/-/g, '').slice(0, length);
