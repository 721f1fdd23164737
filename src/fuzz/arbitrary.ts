import type { Arbitrary } from 'fast-check';
import type { JsonSchema, JsonType } from '../schema/types.js';

/** fast-check itself, passed in: it is loaded only when a run fuzzes. */
export type FastCheck = typeof import('fast-check');
type Json = unknown;

/** Long strings are one character repeated: an integer length shrinks in a few steps, a string's characters in hundreds. */
const LONG_MIN = 1000;
const LONG_MAX = 5000;
const LARGE_ARRAY = 100;
const BOUNDARY_INTEGERS = [
  0,
  -1,
  1,
  2 ** 31 - 1,
  -(2 ** 31),
  2 ** 32,
  Number.MAX_SAFE_INTEGER,
  -Number.MAX_SAFE_INTEGER,
];
const BOUNDARY_NUMBERS = [0.5, -0.000001, 1e21, -1e21, Number.MIN_VALUE, Number.MAX_VALUE];
/** Fields vendors may add later; a receiver must not break on them. */
const EXTRA_KEYS = ['x_unknown_field', 'futureField', 'vendorExtension'];

const typesOf = (schema: JsonSchema): JsonType[] =>
  schema.type === undefined ? [] : Array.isArray(schema.type) ? schema.type : [schema.type];

/**
 * Payloads an event's schema admits, and the variants a vendor may send tomorrow: optional fields
 * dropped (fast-check shrinks toward absent), boundary numbers, long and unicode strings, empty and
 * large arrays, extra unknown fields, unknown values of a string enum (an enum lists today's values;
 * a const, such as the event name, never grows).
 */
export function validArbitrary(fc: FastCheck, schema: JsonSchema): Arbitrary<Json> {
  const of = (s: JsonSchema): Arbitrary<Json> => {
    if (s.const !== undefined) return fc.constant(s.const);
    if (s.enum) {
      const known = fc.constantFrom(...s.enum);
      const strings = s.enum.filter((v): v is string => typeof v === 'string');
      if (strings.length === 0) return known;
      const unknown = fc.constantFrom(`${strings[0]}_next`, 'UNKNOWN_VALUE');
      return fc.oneof(
        { withCrossShrink: true },
        { arbitrary: known, weight: 4 },
        { arbitrary: unknown, weight: 1 },
      );
    }
    if (s.anyOf) return fc.oneof({ withCrossShrink: true }, ...s.anyOf.map(of));
    const types = typesOf(s);
    if (types.length > 1) return fc.oneof({ withCrossShrink: true }, ...types.map((t) => ofType(t, s)));
    if (types.length === 1) return ofType(types[0]!, s);
    if (s.properties || s.required) return ofType('object', s);
    return fc.oneof(fc.string({ maxLength: 8 }), fc.integer(), fc.boolean(), fc.constant(null));
  };

  const ofType = (type: JsonType, s: JsonSchema): Arbitrary<Json> => {
    switch (type) {
      case 'string':
        return stringOf(fc, s);
      case 'integer':
        return fc.oneof(
          { withCrossShrink: true },
          { arbitrary: fc.integer({ min: 0, max: 1_000_000 }), weight: 4 },
          { arbitrary: fc.constantFrom(...BOUNDARY_INTEGERS), weight: 1 },
        );
      case 'number':
        return fc.oneof(
          { withCrossShrink: true },
          { arbitrary: fc.integer({ min: 0, max: 1_000_000 }), weight: 3 },
          { arbitrary: fc.double({ noNaN: true, noDefaultInfinity: true, min: -1e6, max: 1e6 }), weight: 1 },
          { arbitrary: fc.constantFrom(...BOUNDARY_INTEGERS, ...BOUNDARY_NUMBERS), weight: 1 },
        );
      case 'boolean':
        return fc.boolean();
      case 'null':
        return fc.constant(null);
      case 'array': {
        const item = s.items ? of(s.items) : of({});
        return fc.oneof(
          { withCrossShrink: true },
          { arbitrary: fc.array(item, { maxLength: 4 }), weight: 5 },
          { arbitrary: fc.array(item, { minLength: LARGE_ARRAY, maxLength: LARGE_ARRAY }), weight: 1 },
        );
      }
      case 'object':
        return objectOf(s);
    }
  };

  const objectOf = (s: JsonSchema): Arbitrary<Json> => {
    // A conditional requirement (if/then) is always met: its fields are generated as required.
    const properties = { ...s.properties, ...s.then?.properties };
    const required = [...new Set([...(s.required ?? []), ...(s.then?.required ?? [])])];
    for (const name of required) properties[name] ??= {};
    const names = Object.keys(properties);
    if (names.length === 0)
      return fc.dictionary(fc.constantFrom('k', 'key', 'ключ'), fc.string({ maxLength: 8 }), { maxKeys: 2 });
    const record = fc.record(Object.fromEntries(names.map((name) => [name, of(properties[name]!)])), {
      requiredKeys: required.filter((name) => names.includes(name)),
    });
    const extraKeys = EXTRA_KEYS.filter((k) => !names.includes(k));
    const extra = fc.option(
      fc.dictionary(fc.constantFrom(...extraKeys), fc.oneof(fc.string({ maxLength: 8 }), fc.integer()), {
        minKeys: 1,
        maxKeys: 2,
      }),
      { freq: 4 },
    );
    return fc.tuple(record, extra).map(([value, more]) => (more ? { ...value, ...more } : value));
  };

  return of(schema);
}

function stringOf(fc: FastCheck, s: JsonSchema): Arbitrary<Json> {
  if (s.format === 'date-time')
    return fc
      .date({
        min: new Date('1970-01-01T00:00:00Z'),
        max: new Date('2100-01-01T00:00:00Z'),
        noInvalidDate: true,
      })
      .map((d) => d.toISOString());
  if (s.format === 'uuid') return fc.uuid();
  if (s.format === 'uri') return fc.webUrl();
  const min = s.minLength ?? 0;
  const long = fc
    .tuple(fc.integer({ min: Math.max(LONG_MIN, min), max: LONG_MAX }), fc.constantFrom('a', 'é', '字', '😀'))
    .map(([length, ch]) => ch.repeat(length));
  return fc.oneof(
    { withCrossShrink: true },
    { arbitrary: fc.string({ minLength: min, maxLength: Math.max(min, 16) }), weight: 6 },
    { arbitrary: fc.string({ unit: 'grapheme', minLength: min, maxLength: Math.max(min, 16) }), weight: 2 },
    { arbitrary: long, weight: 1 },
  );
}

/** One way to break a valid payload against its schema. */
interface Mutation {
  path: (string | number)[];
  kind: 'missing' | 'wrong-type';
  types: JsonType[];
}

/** Every place a payload can be made invalid: a required field removed, or a typed value replaced. */
function mutationsOf(schema: JsonSchema, value: Json, path: (string | number)[], out: Mutation[]): void {
  const types = typesOf(schema);
  if (path.length > 0 && types.length > 0 && schema.const === undefined)
    out.push({ path, kind: 'wrong-type', types });
  if (typeof value !== 'object' || value === null) return;
  if (Array.isArray(value)) {
    if (schema.items) value.forEach((item, i) => mutationsOf(schema.items!, item, [...path, i], out));
    return;
  }
  const record = value as Record<string, Json>;
  for (const name of schema.required ?? [])
    if (Object.hasOwn(record, name)) out.push({ path: [...path, name], kind: 'missing', types: [] });
  for (const [name, sub] of Object.entries(schema.properties ?? {}))
    if (Object.hasOwn(record, name)) mutationsOf(sub, record[name], [...path, name], out);
}

/** A value of none of the types a schema allows. */
function wrongValue(types: JsonType[]): Json {
  if (!types.includes('string')) return 'not-a-' + (types[0] ?? 'value');
  if (!types.includes('integer') && !types.includes('number')) return 12345;
  return { unexpected: true };
}

function applied(value: Json, mutation: Mutation): Json {
  const [head, ...rest] = mutation.path;
  if (head === undefined) return value;
  if (Array.isArray(value)) {
    const copy = [...value];
    copy[head as number] =
      rest.length === 0
        ? wrongValue(mutation.types)
        : applied(copy[head as number], { ...mutation, path: rest });
    return copy;
  }
  const copy = { ...(value as Record<string, Json>) };
  if (rest.length > 0) copy[head] = applied(copy[head], { ...mutation, path: rest });
  else if (mutation.kind === 'missing') delete copy[head];
  else copy[head] = wrongValue(mutation.types);
  return copy;
}

/** Payloads that break the schema: a valid one with one required field removed or one value of a wrong type. */
export function invalidArbitrary(fc: FastCheck, schema: JsonSchema): Arbitrary<Json> {
  // The pick comes first so it shrinks first: once small, it names the same mutation while the
  // payload's optional fields (listed after the required ones) shrink away.
  return fc.tuple(fc.nat({ max: 63 }), validArbitrary(fc, schema)).map(([pick, value]) => {
    const mutations: Mutation[] = [];
    mutationsOf(schema, value, [], mutations);
    return mutations.length === 0 ? value : applied(value, mutations[pick % mutations.length]!);
  });
}
