/**
 * A strict reader for the one kind of request the listener's fast path answers itself: a whole
 * `POST` in HTTP/1.1, its body framed by one Content-Length, every header plain. Anything else (a
 * head or body not all there yet, chunked or other framing, Expect, Upgrade, HTTP/1.0, a repeated
 * or odd header, bare CR or LF, a head over the size limit) is not read here: the connection goes
 * to node:http, which answers it exactly as it answers every request it takes. So this reader
 * never decides that a request is malformed; it only recognises the plain ones.
 */

/** node:http's default limit for a request head (--max-http-header-size). */
export const MAX_HEAD_BYTES = 16 * 1024;
/** Fewer than node:http keeps (2000), so no header is ever dropped on either path. */
const MAX_HEADERS = 100;
const HEAD_END = Buffer.from('\r\n\r\n');
// The origin form of a target (RFC 9112 3.2.1) alone; node:http judges any other.
const REQUEST_LINE = /^POST (\/[!-~]*) HTTP\/1\.1$/;
// RFC 9110 5.1 token.
const NAME = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/;
const isSpace = (code: number) => code === 32 || code === 9;
const LENGTH = /^\d{1,15}$/;

/** No CTL but tab in the head, and CR and LF only as CRLF. */
function plainBytes(buf: Buffer, end: number): boolean {
  for (let i = 0; i < end; i++) {
    const c = buf[i]!;
    if (c >= 32 ? c === 127 : c !== 9 && !(c === 13 && buf[++i] === 10)) return false;
  }
  return true;
}

export interface RequestHead {
  url: string;
  /** Names lowercase, as node:http gives them; no name repeated. */
  headers: Record<string, string>;
  /** Where the body starts in the buffer read. */
  bodyStart: number;
  /** The body's length, from Content-Length. */
  length: number;
  /** The sender asked to close the connection after the answer. */
  close: boolean;
}

/**
 * The head of the request at the start of `buf`, or undefined when it is not a whole, plain POST
 * head with a Content-Length of at most `maxBody` (the body itself may not be all there yet).
 */
export function readRequestHead(buf: Buffer, maxBody: number): RequestHead | undefined {
  const end = buf.indexOf(HEAD_END);
  if (end < 0 || end + 4 > MAX_HEAD_BYTES) return undefined;
  if (!plainBytes(buf, end)) return undefined;
  const text = buf.toString('latin1', 0, end);
  let at = text.indexOf('\r\n');
  const line = REQUEST_LINE.exec(at < 0 ? text : text.slice(0, at));
  if (!line) return undefined;
  const headers: Record<string, string> = {};
  let count = 0;
  while (at >= 0) {
    const start = at + 2;
    at = text.indexOf('\r\n', start);
    const stop = at < 0 ? text.length : at;
    const colon = text.indexOf(':', start);
    if (colon <= start || colon > stop || ++count > MAX_HEADERS) return undefined;
    const name = text.slice(start, colon).toLowerCase();
    // Object keys only, and each name once: node:http's rules for repeats differ by header.
    if (!NAME.test(name) || Object.hasOwn(headers, name) || name === '__proto__') return undefined;
    let from = colon + 1;
    while (from < stop && isSpace(text.charCodeAt(from))) from++;
    // Trailing whitespace: node:http's reader has changed what it keeps of it.
    if (from < stop && isSpace(text.charCodeAt(stop - 1))) return undefined;
    headers[name] = text.slice(from, stop);
  }
  const length = headers['content-length'];
  if (
    length === undefined ||
    !LENGTH.test(length) ||
    Number(length) > maxBody ||
    headers.host === undefined ||
    headers['transfer-encoding'] !== undefined ||
    headers.expect !== undefined ||
    headers.upgrade !== undefined
  ) {
    return undefined;
  }
  const connection = headers.connection?.toLowerCase();
  if (connection !== undefined && connection !== 'close' && connection !== 'keep-alive') return undefined;
  return {
    url: line[1]!,
    headers,
    bodyStart: end + 4,
    length: Number(length),
    close: connection === 'close',
  };
}
