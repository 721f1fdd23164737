/**
 * The path of a request target, without `new URL()`: targets such as `//`, `//[` or
 * `http://a:99999/` make the URL parser throw, and a listener must answer them, not die on them.
 */
export function targetPath(raw: string | undefined): string {
  let target = raw ?? '/';
  // Absolute form (`POST http://host/path`): drop the scheme and authority.
  const absolute = /^[a-z][a-z0-9+.-]*:\/\/[^/?#]*/i.exec(target);
  if (absolute) target = target.slice(absolute[0].length) || '/';
  const end = target.search(/[?#]/);
  return end < 0 ? target : target.slice(0, end);
}

/** One query parameter of a request target, or null; never throws. */
export function targetParam(raw: string | undefined, name: string): string | null {
  const query = (raw ?? '').split('#')[0]!.split('?').slice(1).join('?');
  try {
    return new URLSearchParams(query).get(name);
  } catch {
    return null;
  }
}
