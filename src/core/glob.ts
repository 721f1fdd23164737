/**
 * `work_order.*` style patterns: `*` is any run of characters, everything else is literal.
 * Matched without a regular expression: the pieces between stars are found left to right, each
 * at its first place after the last, so the work grows with the name, never exponentially.
 */
export function globMatcher(pattern: string): (text: string) => boolean {
  const pieces = pattern.split('*');
  if (pieces.length === 1) return (text) => text === pattern;
  const first = pieces[0]!;
  const last = pieces[pieces.length - 1]!;
  const middle = pieces.slice(1, -1).filter((p) => p !== '');
  const fixed = first.length + last.length;
  return (text) => {
    if (text.length < fixed || !text.startsWith(first) || !text.endsWith(last)) return false;
    let at = first.length;
    const end = text.length - last.length;
    for (const piece of middle) {
      const found = text.indexOf(piece, at);
      if (found < 0 || found + piece.length > end) return false;
      at = found + piece.length;
    }
    return true;
  };
}

/** Event names longer than this are cut when a delivery is taken in. */
export const MAX_EVENT_NAME = 256;

export function capEventName(name: string | null): string | null {
  return name !== null && name.length > MAX_EVENT_NAME ? `${name.slice(0, MAX_EVENT_NAME - 1)}…` : name;
}
