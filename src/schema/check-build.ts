import { editDistance } from '../core/suggest.js';
import { schemaFor, validateEvent } from './registry.js';
import { formatProblem, type JsonSchema } from './types.js';

/** What a built event's overrides did that its schema does not allow. */
export interface BuildFinding {
  kind: 'unknown-field' | 'schema';
  message: string;
}

const dotted = (path: readonly (string | number)[]) =>
  path.map((s, i) => (typeof s === 'number' ? `[${s}]` : i === 0 ? s : `.${s}`)).join('');

/** The object properties a node offers (an anyOf such as BzDate offers its object branch's). */
function propertiesOf(node: JsonSchema): Record<string, JsonSchema> | undefined {
  if (node.properties) return node.properties;
  const merged = Object.assign({}, ...(node.anyOf ?? []).map((b) => b.properties ?? {}));
  return Object.keys(merged).length > 0 ? merged : undefined;
}

/** True when the schema has a field at `path`, or the path goes into a part the schema leaves open. */
function hasField(schema: JsonSchema, path: readonly (string | number)[]): boolean {
  let node: JsonSchema | undefined = schema;
  for (const segment of path) {
    if (typeof segment === 'number') {
      node = node.items ?? node.anyOf?.find((b) => b.items)?.items;
      if (!node) return false;
      continue;
    }
    const properties = propertiesOf(node);
    if (!properties) return true;
    node = Object.hasOwn(properties, segment) ? properties[segment] : undefined;
    if (!node) return false;
  }
  return true;
}

/** Every field path of a schema, dotted as --set takes them (array items as [0]). */
function fieldPaths(node: JsonSchema, prefix: (string | number)[] = []): string[] {
  const out: string[] = [];
  const properties = propertiesOf(node);
  for (const [key, child] of Object.entries(properties ?? {})) {
    out.push(dotted([...prefix, key]), ...fieldPaths(child, [...prefix, key]));
  }
  if (node.items) out.push(...fieldPaths(node.items, [...prefix, 0]));
  return out;
}

const lastSegment = (path: string) => path.split(/[.[]/).pop() ?? path;

/** The field a mistyped path most likely meant: whole paths compared, or last names for a bare name. */
function nearestField(name: string, paths: readonly string[]): string | undefined {
  const bare = !/[.[]/.test(name);
  let best: { path: string; score: number } | undefined;
  for (const path of paths) {
    const score = bare ? editDistance(name, lastSegment(path)) : editDistance(name, path);
    if (!best || score < best.score || (score === best.score && path.length < best.path.length))
      best = { path, score };
  }
  return best && best.score <= Math.max(2, Math.floor(name.length / 4)) ? best.path : undefined;
}

/**
 * Checks an event built with overrides against its schema: each --set path that is not a field (with the
 * closest field), and each problem of the built payload. Empty for events without a schema.
 */
export function checkBuiltEvent(
  provider: string,
  event: string,
  payload: unknown,
  /** `from` names where a value was given (a scenario step's "set"); --set when absent. */
  sets: readonly { path: (string | number)[]; from?: string }[],
): BuildFinding[] {
  const schema = schemaFor(provider, event);
  if (!schema) return [];
  const findings: BuildFinding[] = [];
  for (const { path, from = '--set' } of sets) {
    if (hasField(schema, path)) continue;
    const name = dotted(path);
    const near = nearestField(name, fieldPaths(schema));
    findings.push({
      kind: 'unknown-field',
      message: `${from} ${name}: ${event} has no such field${near ? `; did you mean ${near}?` : ''}`,
    });
  }
  for (const problem of validateEvent(provider, event, payload)?.problems ?? []) {
    findings.push({ kind: 'schema', message: `${event} schema: ${formatProblem(problem)}` });
  }
  return findings;
}
