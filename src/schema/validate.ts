import type { JsonSchema, JsonType, SchemaProblem, SchemaResult } from './types.js';

/** Collects findings while a compiled check walks a value. */
interface Sink {
  problems: SchemaProblem[];
  notes: SchemaProblem[];
}
type Check = (value: unknown, pointer: string, sink: Sink) => void;
export type Validator = (value: unknown) => SchemaResult;

const escape = (key: string) => key.replace(/~/g, '~0').replace(/\//g, '~1');
const show = (v: unknown) => {
  const text = JSON.stringify(v) ?? String(v);
  return text.length > 60 ? `${text.slice(0, 57)}...` : text;
};

/** The JSON type name of a value, as the messages say it. */
export function jsonTypeOf(value: unknown): JsonType {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'array';
  if (typeof value === 'number') return Number.isInteger(value) ? 'integer' : 'number';
  return typeof value as JsonType;
}

function typeMatches(type: JsonType, value: unknown): boolean {
  const actual = jsonTypeOf(value);
  return actual === type || (type === 'number' && actual === 'integer');
}

// RFC 3339 date-time, as JSON Schema's "date-time" format means it.
const DATE_TIME =
  /^(\d{4})-(0[1-9]|1[0-2])-(0[1-9]|[12]\d|3[01])[Tt]([01]\d|2[0-3]):[0-5]\d:([0-5]\d|60)(\.\d+)?([Zz]|[+-]([01]\d|2[0-3]):[0-5]\d)$/;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
// RFC 3986: a scheme, a non-empty hier-part (an IP literal in brackets allowed), then an optional
// query and fragment; percent escapes well formed, one `#` at most.
const PCHAR = "(?:[A-Za-z0-9\\-._~!$&'()*+,;=:@]|%[0-9A-Fa-f]{2})";
const URI = new RegExp(
  `^[A-Za-z][A-Za-z0-9+.-]*:(?:${PCHAR}|/|\\[[0-9A-Fa-f:.]+\\])+(?:\\?(?:${PCHAR}|[/?])*)?(?:#(?:${PCHAR}|[/?])*)?$`,
);
const DAYS = [31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];

function isDateTime(s: string): boolean {
  const m = DATE_TIME.exec(s);
  if (!m) return false;
  const [year, month, day] = [Number(m[1]), Number(m[2]), Number(m[3])];
  const leap = year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0);
  return day <= (month === 2 && !leap ? 28 : DAYS[month - 1]!);
}

/** Formats that fail a value, and those (uuid) only noted: the vendor documents call ids UUIDs their examples are not. */
const FORMATS: Record<string, { test: (s: string) => boolean; name: string; note?: true }> = {
  'date-time': { test: isDateTime, name: 'an RFC 3339 date-time' },
  uri: { test: (s) => URI.test(s), name: 'a URI' },
  uuid: { test: (s) => UUID.test(s), name: 'a UUID', note: true },
};

/** Compiles a schema once into a closure tree; each call then only walks the value. */
export function compileSchema(schema: JsonSchema): Validator {
  const check = compile(schema);
  return (value) => {
    const sink: Sink = { problems: [], notes: [] };
    check(value, '', sink);
    return sink;
  };
}

function compile(schema: JsonSchema): Check {
  const checks: Check[] = [];
  if (schema.type !== undefined)
    checks.push(typeCheck(Array.isArray(schema.type) ? schema.type : [schema.type]));
  if (schema.const !== undefined) checks.push(valuesCheck([schema.const], (shown) => shown[0]!));
  if (schema.enum) checks.push(valuesCheck(schema.enum, (shown) => `one of ${shown.join(', ')}`));
  if (schema.minLength !== undefined) {
    const min = schema.minLength;
    checks.push((v, p, s) => {
      // Code points, as JSON Schema counts them; 2*min UTF-16 units hold at least min of them.
      if (typeof v === 'string' && v.length < 2 * min && [...v].length < min)
        s.problems.push({ pointer: p, message: `expected at least ${min} character${min === 1 ? '' : 's'}` });
    });
  }
  if (schema.pattern !== undefined) {
    const pattern = new RegExp(schema.pattern, 'u');
    const shown = `a string matching ${schema.pattern}`;
    checks.push((v, p, s) => {
      if (typeof v === 'string' && !pattern.test(v))
        s.problems.push({ pointer: p, message: `expected ${shown}, got ${show(v)}` });
    });
  }
  if (schema.exclusiveMinimum !== undefined) {
    const min = schema.exclusiveMinimum;
    checks.push((v, p, s) => {
      if (typeof v === 'number' && !(v > min))
        s.problems.push({ pointer: p, message: `expected a number above ${min}, got ${v}` });
    });
  }
  const format = schema.format ? FORMATS[schema.format] : undefined;
  if (format) {
    checks.push((v, p, s) => {
      if (typeof v === 'string' && !format.test(v))
        (format.note ? s.notes : s.problems).push({
          pointer: p,
          message: `expected ${format.name}, got ${show(v)}`,
        });
    });
  }
  if (schema.properties || schema.required) checks.push(objectCheck(schema));
  if (schema.items) {
    const item = compile(schema.items);
    checks.push((v, p, s) => {
      if (Array.isArray(v)) v.forEach((x, i) => item(x, `${p}/${i}`, s));
    });
  }
  if (schema.anyOf) checks.push(anyOfCheck(schema.anyOf));
  if (schema.if && schema.then) {
    const condition = compile(schema.if);
    const then = compile(schema.then);
    checks.push((v, p, s) => {
      const probe: Sink = { problems: [], notes: [] };
      condition(v, p, probe);
      if (probe.problems.length === 0) then(v, p, s);
    });
  }
  if (checks.length === 1) return checks[0]!;
  return (v, p, s) => {
    for (let i = 0; i < checks.length; i++) checks[i]!(v, p, s);
  };
}

/** const and enum: primitives compare by identity in a Set, objects by their JSON text. */
function valuesCheck(values: unknown[], describe: (shown: string[]) => string): Check {
  const expected = describe(values.map((e) => JSON.stringify(e)));
  const primitives = new Set(values.filter((e) => typeof e !== 'object' || e === null));
  const objects = new Set(
    values.filter((e) => typeof e === 'object' && e !== null).map((e) => JSON.stringify(e)),
  );
  return (v, p, s) => {
    if (primitives.has(v) || (objects.size > 0 && typeof v === 'object' && objects.has(JSON.stringify(v))))
      return;
    s.problems.push({ pointer: p, message: `expected ${expected}, got ${show(v)}` });
  };
}

const SINGLE_TYPE: Record<JsonType, (v: unknown) => boolean> = {
  string: (v) => typeof v === 'string',
  boolean: (v) => typeof v === 'boolean',
  number: (v) => typeof v === 'number',
  integer: (v) => Number.isInteger(v),
  object: (v) => typeof v === 'object' && v !== null && !Array.isArray(v),
  array: (v) => Array.isArray(v),
  null: (v) => v === null,
};

function typeCheck(types: JsonType[]): Check {
  const expected = types.join(' or ');
  const test =
    types.length === 1 ? SINGLE_TYPE[types[0]!] : (v: unknown) => types.some((t) => typeMatches(t, v));
  return (v, p, s) => {
    if (!test(v)) s.problems.push({ pointer: p, message: `expected ${expected}, got ${jsonTypeOf(v)}` });
  };
}

function objectCheck(schema: JsonSchema): Check {
  const props = Object.entries(schema.properties ?? {}).map(
    ([k, sub]) => [k, escape(k), compile(sub)] as const,
  );
  const known = new Set(props.map(([k]) => k));
  const required = schema.required ?? [];
  // Only an object that lists its properties can say which fields are extra.
  const listsFields = schema.properties !== undefined && props.length > 0;
  return (v, p, s) => {
    if (typeof v !== 'object' || v === null || Array.isArray(v)) return;
    const record = v as Record<string, unknown>;
    for (let i = 0; i < required.length; i++) {
      const name = required[i]!;
      if (!Object.hasOwn(record, name))
        s.problems.push({ pointer: `${p}/${escape(name)}`, message: 'required, missing' });
    }
    for (let i = 0; i < props.length; i++) {
      const [name, escaped, check] = props[i]!;
      if (Object.hasOwn(record, name)) check(record[name], `${p}/${escaped}`, s);
    }
    if (listsFields) {
      for (const name in record) {
        if (!known.has(name) && Object.hasOwn(record, name))
          s.notes.push({ pointer: `${p}/${escape(name)}`, message: 'not in the schema' });
      }
    }
  };
}

/** Passes when one branch passes; otherwise reports the branch whose type fits, or the types all branches want. */
function anyOfCheck(branches: JsonSchema[]): Check {
  const compiled = branches.map((b) => ({ check: compile(b), types: typesOf(b) }));
  const expected = compiled
    .map(({ types }, i) => {
      const format = branches[i]?.format;
      return `${types.join(' or ')}${format ? ` (${format})` : ''}`;
    })
    .join(' or ');
  return (v, p, s) => {
    const tries = compiled.map(({ check, types }) => {
      const sink: Sink = { problems: [], notes: [] };
      check(v, p, sink);
      return { sink, fits: types.length === 0 || types.some((t) => typeMatches(t, v)) };
    });
    const pass = tries.find((t) => t.sink.problems.length === 0);
    if (pass) {
      s.notes.push(...pass.sink.notes);
      return;
    }
    const fitting = tries.filter((t) => t.fits);
    if (fitting.length === 1 && fitting[0]) {
      s.problems.push(...fitting[0].sink.problems);
      s.notes.push(...fitting[0].sink.notes);
    } else s.problems.push({ pointer: p, message: `expected ${expected}, got ${jsonTypeOf(v)}` });
  };
}

const typesOf = (schema: JsonSchema): JsonType[] =>
  schema.type === undefined ? [] : Array.isArray(schema.type) ? schema.type : [schema.type];
