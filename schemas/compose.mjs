// Composes the JSON Schema of every event from schemas/<provider>/envelope.json (the envelope and its shared
// pieces in $defs) and schemas/<provider>/events.json (each event's fragment). The build writes the results
// into src/generated/schemas.ts and derives the library's payload types from them; nothing else defines a shape.
import { readFileSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const SCHEMA_DIALECT = 'https://json-schema.org/draft/2020-12/schema';
/** The field that names the event in each built-in provider's payload. */
export const EVENT_FIELD = { mes: 'type', tracktile: 'kind', betterez: 'event', katana: 'action' };
const here = path.dirname(fileURLToPath(import.meta.url));

const isObject = (v) => typeof v === 'object' && v !== null && !Array.isArray(v);

/** Deep merge with allOf meaning for what we use: objects merge, `required` lists join, the rest is replaced. */
export function mergeSchemas(base, patch) {
  const out = { ...base };
  for (const [key, value] of Object.entries(patch)) {
    if (key === 'required' && Array.isArray(out.required))
      out.required = [...new Set([...out.required, ...value])];
    else if (isObject(value) && isObject(out[key])) out[key] = mergeSchemas(out[key], value);
    else out[key] = value;
  }
  return out;
}

/** Inlines every `#/$defs/X` reference (merging its siblings in), so each schema stands alone. */
function inline(node, defs, seen = []) {
  if (Array.isArray(node)) return node.map((n) => inline(n, defs, seen));
  if (!isObject(node)) return node;
  let out = node;
  if (typeof node.$ref === 'string') {
    const name = node.$ref.replace(/^#\/\$defs\//, '');
    if (!defs[name] || name === node.$ref) throw new Error(`unknown schema reference ${node.$ref}`);
    if (seen.includes(name)) throw new Error(`circular schema reference ${node.$ref}`);
    const siblings = { ...node };
    delete siblings.$ref;
    out = mergeSchemas(inline(defs[name], defs, [...seen, name]), siblings);
  }
  return Object.fromEntries(Object.entries(out).map(([k, v]) => [k, inline(v, defs, seen)]));
}

/** One event's complete schema. */
export function composeSchema(provider, event, envelope, fragment) {
  const { $defs = {}, ...body } = envelope;
  delete body.$comment;
  const pins = { properties: { [EVENT_FIELD[provider]]: { const: event } } };
  // Katana names the resource twice: resource_type is the action's prefix.
  if (provider === 'katana') pins.properties.resource_type = { const: event.split('.')[0] };
  const merged = mergeSchemas(mergeSchemas(body, fragment), pins);
  return { $schema: SCHEMA_DIALECT, title: `${provider} ${event}`, ...inline(merged, $defs) };
}

/** Every provider's composed schemas: `{ provider: { event: schema } }`, in file order. */
export function composeAll(root = here) {
  const all = {};
  for (const provider of readdirSync(root, { withFileTypes: true }).filter((d) => d.isDirectory())) {
    const read = (file) => JSON.parse(readFileSync(path.join(root, provider.name, file), 'utf8'));
    const envelope = read('envelope.json');
    all[provider.name] = Object.fromEntries(
      Object.entries(read('events.json')).map(([event, fragment]) => [
        event,
        composeSchema(provider.name, event, envelope, fragment),
      ]),
    );
  }
  return all;
}

const literal = (v) => JSON.stringify(v);
const key = (k) => (/^[A-Za-z_$][\w$]*$/.test(k) ? k : JSON.stringify(k));
const TS = { string: 'string', number: 'number', integer: 'number', boolean: 'boolean', null: 'null' };

/** The TypeScript type a schema describes (the subset the definitions use). */
export function typeFromSchema(schema, indent = 0) {
  if (schema.const !== undefined) return literal(schema.const);
  if (schema.enum) return schema.enum.map(literal).join(' | ');
  if (schema.anyOf) return schema.anyOf.map((s) => typeFromSchema(s, indent)).join(' | ');
  const types = Array.isArray(schema.type) ? schema.type : schema.type ? [schema.type] : [];
  if (types.length === 0) return schema.properties ? objectType(schema, indent) : 'unknown';
  return types
    .map((t) => {
      if (t === 'array') {
        const item = schema.items ? typeFromSchema(schema.items, indent) : 'unknown';
        return /[|{]/.test(item) ? `Array<${item}>` : `${item}[]`;
      }
      return t === 'object' ? objectType(schema, indent) : TS[t];
    })
    .join(' | ');
}

function objectType(schema, indent) {
  const entries = Object.entries(schema.properties ?? {});
  if (entries.length === 0) return 'Record<string, unknown>';
  const required = new Set(schema.required ?? []);
  const pad = '  '.repeat(indent + 1);
  const lines = entries.map(
    ([k, s]) => `${pad}${key(k)}${required.has(k) ? '' : '?'}: ${typeFromSchema(s, indent + 1)};`,
  );
  // Vendors add fields: the schemas allow them, so the types do too.
  return `{\n${lines.join('\n')}\n${pad}[field: string]: unknown;\n${'  '.repeat(indent)}}`;
}
