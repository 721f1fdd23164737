/** JSON Pointers (RFC 6901) and leaf walks over parsed JSON, for capture's redaction and diffs. */

export const escapeToken = (key: string): string => key.replace(/~/g, '~0').replace(/\//g, '~1');
const unescapeToken = (token: string): string => token.replace(/~1/g, '/').replace(/~0/g, '~');

export function parsePointer(pointer: string): string[] {
  if (pointer === '') return [];
  if (!pointer.startsWith('/')) throw new Error(`"${pointer}" is not a JSON Pointer (it must start with /)`);
  return pointer.slice(1).split('/').map(unescapeToken);
}

export const isObject = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);

export interface Leaf {
  pointer: string;
  /** The object key (or array index) the value sits under. */
  key: string;
  value: unknown;
}

/** Every non-container value, depth first, in document order. */
export function leaves(value: unknown, pointer = '', key = ''): Leaf[] {
  if (Array.isArray(value)) return value.flatMap((v, i) => leaves(v, `${pointer}/${i}`, String(i)));
  if (isObject(value))
    return Object.entries(value).flatMap(([k, v]) => leaves(v, `${pointer}/${escapeToken(k)}`, k));
  return [{ pointer, key, value }];
}

/** A copy of `value` with `fn` applied at every leaf; containers are copied, never changed in place. */
export function mapLeaves(value: unknown, fn: (leaf: Leaf) => unknown, pointer = '', key = ''): unknown {
  if (Array.isArray(value)) return value.map((v, i) => mapLeaves(v, fn, `${pointer}/${i}`, String(i)));
  if (isObject(value))
    return Object.fromEntries(
      Object.entries(value).map(([k, v]) => [k, mapLeaves(v, fn, `${pointer}/${escapeToken(k)}`, k)]),
    );
  return fn({ pointer, key, value });
}

/** The value at a pointer, or undefined when the path is not there. */
export function getAt(value: unknown, pointer: string): unknown {
  let at: unknown = value;
  for (const token of parsePointer(pointer)) {
    if (Array.isArray(at)) at = /^\d+$/.test(token) ? at[Number(token)] : undefined;
    else if (isObject(at)) at = Object.hasOwn(at, token) ? at[token] : undefined;
    else return undefined;
  }
  return at;
}

/** The same place as a `--set` / scenario dot path (`data.items[0].id`, `["odd.key"]`). */
export function pointerToDotPath(pointer: string, value: unknown): string {
  let out = '';
  let at: unknown = value;
  for (const token of parsePointer(pointer)) {
    if (Array.isArray(at)) {
      out += `[${token}]`;
      at = at[Number(token)];
      continue;
    }
    out += /^[^.[\]"]+$/.test(token) ? `${out === '' ? '' : '.'}${token}` : `[${JSON.stringify(token)}]`;
    at = isObject(at) ? at[token] : undefined;
  }
  return out;
}
