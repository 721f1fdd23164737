/**
 * The least of HTTP/1.1 a load client needs: a request written as one string, and the answer to it
 * read from whatever pieces the socket delivers (a status line, headers, then a body framed by
 * Content-Length, by chunks, or by the end of the connection).
 */

/** A request's bytes up to its body, with the headers as given and the body's length. */
export function requestHead(
  path: string,
  host: string,
  headers: Record<string, string>,
  length: number,
): string {
  let head = `POST ${path} HTTP/1.1\r\n`;
  let hostGiven = false;
  for (const name in headers) {
    if (name.length === 4 && name.toLowerCase() === 'host') hostGiven = true;
    head += `${name}: ${headers[name]}\r\n`;
  }
  if (!hostGiven) head += `host: ${host}\r\n`;
  return `${head}connection: keep-alive\r\ncontent-length: ${length}\r\n\r\n`;
}

export interface Answer {
  status: number;
  headers: Record<string, string>;
  body: Buffer;
  /** The server said it closes the connection after this answer. */
  closes: boolean;
}

/** The head of an answer is refused beyond this, as node:http refuses one. */
const MAX_HEAD_BYTES = 16 * 1024;
/** A larger answer is given up: a receiver that streams without end cannot fill the memory. */
export const MAX_ANSWER_BYTES = 16 * 1024 * 1024;
const EMPTY = Buffer.alloc(0);

interface Head {
  status: number;
  headers: Record<string, string>;
  /** Where the body starts in the buffered bytes. */
  bodyAt: number;
  /** Content-Length, -1 for chunked, -2 for a body that runs to the end of the connection. */
  length: number;
  /** The server said it closes the connection after this answer. */
  closes: boolean;
}

/**
 * Where the next CRLF (or blank line, CRLF CRLF) starts at or after `from`, or -1. A plain loop:
 * indexOf with a string costs more than the few bytes of an answer's head and chunk lines.
 */
function lineEnd(bytes: Buffer, from: number, blank: boolean): number {
  const last = bytes.length - (blank ? 4 : 2);
  for (let i = from; i <= last; i++) {
    if (bytes[i] === 13 && bytes[i + 1] === 10 && (!blank || (bytes[i + 2] === 13 && bytes[i + 3] === 10)))
      return i;
  }
  return -1;
}

/** Thrown for bytes that are not an HTTP/1.x answer: the connection is then given up. */
export class AnswerError extends Error {}

function parseHead(text: string): Head {
  const lines = text.split('\r\n');
  const status = /^HTTP\/1\.[01] (\d{3})(?: |$)/.exec(lines[0]!);
  if (!status)
    throw new AnswerError(`not an HTTP/1.1 status line: ${JSON.stringify(lines[0]!.slice(0, 40))}`);
  const headers: Record<string, string> = {};
  for (let i = 1; i < lines.length; i++) {
    const line = lines[i]!;
    const colon = line.indexOf(':');
    if (colon <= 0) throw new AnswerError(`not a header line: ${JSON.stringify(line.slice(0, 40))}`);
    const name = line.slice(0, colon).toLowerCase();
    const value = line.slice(colon + 1).trim();
    // Repeated headers are joined, as the log keeps every other client's answers.
    headers[name] = headers[name] === undefined ? value : `${headers[name]}, ${value}`;
  }
  const code = Number(status[1]);
  let length = -2;
  if (code === 204 || code === 304 || code < 200) length = 0;
  else if (headers['transfer-encoding'] !== undefined) {
    // Chunked when it is the last coding; any other coding runs to the end of the connection.
    length = /(^|,)\s*chunked\s*$/i.test(headers['transfer-encoding']) ? -1 : -2;
  } else if (headers['content-length'] !== undefined) {
    if (!/^\d{1,15}$/.test(headers['content-length']))
      throw new AnswerError(`bad content-length ${JSON.stringify(headers['content-length'])}`);
    length = Number(headers['content-length']);
  }
  const closes = headers.connection !== undefined && /close/i.test(headers.connection);
  return { status: code, headers, bodyAt: text.length + 4, length, closes };
}

const HEX_DIGIT = new Int8Array(256).fill(-1);
for (let i = 0; i < 16; i++)
  HEX_DIGIT['0123456789abcdef'.charCodeAt(i)] = HEX_DIGIT['0123456789ABCDEF'.charCodeAt(i)] = i;

/** A chunk-size line's number: read from its bytes when it is hex digits only, as it mostly is. */
function chunkSize(bytes: Buffer, from: number, to: number): number {
  let size = 0;
  if (to > from && to - from <= 12) {
    for (let i = from; i < to; i++) {
      const digit = HEX_DIGIT[bytes[i]!]!;
      if (digit < 0) return parseInt(bytes.toString('latin1', from, to).split(';')[0]!.trim(), 16);
      size = size * 16 + digit;
    }
    return size;
  }
  return parseInt(bytes.toString('latin1', from, to).split(';')[0]!.trim(), 16);
}

/** A chunked body from `at`, once all of it is there: its bytes and where it ends. */
function dechunk(bytes: Buffer, at: number): { body: Buffer; end: number } | undefined {
  const parts: Buffer[] = [];
  for (let pos = at; ;) {
    const eol = lineEnd(bytes, pos, false);
    if (eol < 0) return undefined;
    const size = chunkSize(bytes, pos, eol);
    if (!Number.isSafeInteger(size) || size < 0) throw new AnswerError('bad chunk size');
    if (size === 0) {
      // Trailers, if any, then an empty line.
      const end = lineEnd(bytes, eol, true);
      if (end < 0) return undefined;
      return { body: parts.length === 1 ? parts[0]! : Buffer.concat(parts), end: end + 4 };
    }
    if (bytes.length < eol + 2 + size + 2) return undefined;
    parts.push(bytes.subarray(eol + 2, eol + 2 + size));
    pos = eol + 2 + size + 2;
  }
}

/**
 * The last head read on any connection and what it said: a receiver mostly answers every connection
 * with the same head, so its answers share one headers object (and its JSON in the log is made once).
 */
let lastText = '';
let lastHead: Head | undefined;

/** Reads one answer at a time from the pieces a connection delivers. */
export class AnswerReader {
  private bytes: Buffer = EMPTY;
  private head: Head | undefined;

  /** Starts over for the next request: what is left of an earlier answer is dropped. */
  reset(): void {
    this.bytes = EMPTY;
    this.head = undefined;
  }

  /**
   * Adds what arrived; returns the answer once it is whole. Throws AnswerError for garbage. `chunk`
   * may be a read buffer the socket fills again: what is kept of it past this call is copied.
   */
  push(chunk: Buffer): Answer | undefined {
    this.bytes = this.bytes.length === 0 ? chunk : Buffer.concat([this.bytes, chunk]);
    if (this.bytes.length > MAX_ANSWER_BYTES)
      throw new AnswerError(`the answer is larger than ${MAX_ANSWER_BYTES / (1024 * 1024)} MiB`);
    const answer = this.take();
    if (!answer && this.bytes === chunk) this.bytes = Buffer.from(chunk);
    return answer;
  }

  private take(): Answer | undefined {
    for (;;) {
      if (!this.head) {
        const end = lineEnd(this.bytes, 0, true);
        if (end < 0) {
          if (this.bytes.length > MAX_HEAD_BYTES) throw new AnswerError('the answer head is too large');
          return undefined;
        }
        const text = this.bytes.toString('latin1', 0, end);
        if (text !== lastText || !lastHead) {
          lastHead = parseHead(text);
          lastText = text;
        }
        // The same head parses to the same, unchanging answer headers: shared, never copied.
        this.head = lastHead;
        // An interim answer (100 Continue) is passed over: the real one follows.
        if (this.head.status < 200) {
          this.bytes = this.bytes.subarray(this.head.bodyAt);
          this.head = undefined;
          continue;
        }
      }
      const head = this.head;
      if (head.length === -2) return undefined;
      if (head.length === -1) {
        const chunked = dechunk(this.bytes, head.bodyAt);
        return chunked && this.finish(head, chunked.body);
      }
      if (this.bytes.length < head.bodyAt + head.length) return undefined;
      return this.finish(head, this.bytes.subarray(head.bodyAt, head.bodyAt + head.length));
    }
  }

  /** The connection ended: an answer whose body runs to the end is whole now. */
  end(): Answer | undefined {
    const head = this.head;
    if (!head || head.length !== -2) return undefined;
    return this.finish(head, this.bytes.subarray(head.bodyAt), true);
  }

  private finish(head: Head, body: Buffer, closes = false): Answer {
    this.reset();
    return {
      status: head.status,
      headers: head.headers,
      body: Buffer.from(body),
      closes: closes || head.length === -2 || head.closes,
    };
  }
}
