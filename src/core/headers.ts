/** Header maps as node:http and undici hand them over: names may be any case, values repeated. */
export type HeaderInput = Record<string, string | string[] | number | undefined>;

/** The value of a header, case-insensitive; repeated values are joined with ", " as HTTP allows. */
export function headerValue(headers: HeaderInput, name: string): string | undefined {
  const wanted = name.toLowerCase();
  // node:http gives lowercase names: try the direct look-up before scanning.
  const direct = headers[wanted];
  if (direct !== undefined) return Array.isArray(direct) ? direct.join(', ') : String(direct);
  for (const [key, value] of Object.entries(headers)) {
    if (key.toLowerCase() !== wanted || value === undefined) continue;
    return Array.isArray(value) ? value.join(', ') : String(value);
  }
  return undefined;
}

/** Lowercase names, string values: the form kept in the delivery log. */
export function normalizeHeaders(headers: HeaderInput): Record<string, string> {
  const out: Record<string, string> = {};
  for (const key in headers) {
    const value = headers[key];
    if (value === undefined) continue;
    // node:http and undici already give lowercase names; lowering again is only for other callers.
    const name = key === key.toLowerCase() ? key : key.toLowerCase();
    out[name] = typeof value === 'string' ? value : Array.isArray(value) ? value.join(', ') : String(value);
  }
  return out;
}

/** Parses `Name: value` as given to --header; returns undefined when there is no colon or no name. */
export function parseHeaderLine(line: string): [string, string] | undefined {
  const colon = line.indexOf(':');
  if (colon <= 0) return undefined;
  const name = line.slice(0, colon).trim();
  if (!/^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/.test(name)) return undefined;
  return [name, line.slice(colon + 1).trim()];
}
