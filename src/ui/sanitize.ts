/**
 * Text that came from the network, made safe for a terminal: control characters (C0, DEL, C1),
 * and the bidirectional overrides that can reorder a line, are shown as escapes such as `\x1b`,
 * so a sender can neither clear the screen, set the title nor write the clipboard (OSC 52).
 */
// eslint-disable-next-line no-control-regex
const UNSAFE = /[\x00-\x1f\x7f-\x9f\u200e\u200f\u202a-\u202e\u2066-\u2069\u2028\u2029]/g;
// eslint-disable-next-line no-control-regex
const UNSAFE_KEEP_LINES = /[\x00-\x08\x0b-\x1f\x7f-\x9f\u200e\u200f\u202a-\u202e\u2066-\u2069\u2028\u2029]/g;

const escapeChar = (ch: string) => {
  const code = ch.charCodeAt(0);
  return code <= 0xff
    ? `\\x${code.toString(16).padStart(2, '0')}`
    : `\\u${code.toString(16).padStart(4, '0')}`;
};

/** One field on one line: escaped, and cut to `max` characters (the whole value stays in the log). */
export function safeText(text: string, max = 200): string {
  const cut = text.length > max * 4 ? text.slice(0, max * 4) : text;
  const safe = cut.replace(UNSAFE, escapeChar);
  return safe.length > max ? `${safe.slice(0, max - 1)}…` : safe;
}

/** A block such as a body: newlines and tabs kept, every other control character escaped. */
export function safeBlock(text: string, max = 64 * 1024): string {
  const safe = text.replace(UNSAFE_KEEP_LINES, escapeChar);
  return safe.length > max
    ? `${safe.slice(0, max)}\n… (${safe.length - max} more characters; the whole body is in the log)`
    : safe;
}

/** A JSON line for a terminal: JSON leaves DEL, C1 and the line separators raw, so they become \u escapes. */
export function safeJsonLine(value: unknown): string {
  return safeJsonText(JSON.stringify(value));
}

/** `safeJsonLine` for a value already in JSON. */
export function safeJsonText(json: string): string {
  return json.replace(
    /[\x7f-\x9f\u2028\u2029\u202a-\u202e\u2066-\u2069]/g,
    (ch) => `\\u${ch.charCodeAt(0).toString(16).padStart(4, '0')}`,
  );
}
