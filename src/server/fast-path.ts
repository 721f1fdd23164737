import type { EventEmitter } from 'node:events';
import { STATUS_CODES } from 'node:http';
import type { Socket } from 'node:net';
import type { Respondent } from './received.js';
import { readRequestHead, type RequestHead } from './request-head.js';

/** node:http's keepAliveTimeout: how long an idle keep-alive connection is kept. */
export const KEEP_ALIVE_MS = 5_000;
const KEEP_ALIVE = 'Connection: keep-alive\r\nKeep-Alive: timeout=5\r\n\r\n';
const CLOSE = 'Connection: close\r\n\r\n';
/** Pipelined requests taken ahead of their answers, at most, before reading stops for a while. */
const MAX_PENDING = 32;
// What node:http refuses in a header value it writes.
const INVALID_VALUE = /[^\t\x20-\x7e\x80-\xff]/;

/** What the fast path needs of the listener. */
export interface FastHost {
  readonly maxBodyBytes: number;
  /** How long a new connection may take to send its first request. */
  readonly headersTimeoutMs: number;
  /** Whether a POST to this target is a delivery the fast path may take. */
  takes(url: string): boolean;
  /** Takes a whole delivery and answers it through `to`, in its own time. Never throws. */
  take(head: RequestHead, body: Buffer, to: Respondent): void;
}

let dateSecond = -1;
let dateText = '';
/** The Date header, made once a second as node:http does. */
function httpDate(): string {
  const now = Date.now();
  const second = Math.floor(now / 1000);
  if (second !== dateSecond) {
    dateSecond = second;
    dateText = new Date(now).toUTCString();
  }
  return dateText;
}

/**
 * The listener's connections before node:http sees them. Whole, plain deliveries (see
 * request-head.ts) are read and answered here, without node:http's per-request objects and
 * streams; at the first request it does not take, a connection is handed to node:http with the
 * bytes not yet used, once every answer before it has gone out, and stays there.
 */
export class FastPath {
  private readonly open = new Set<Connection>();
  closing = false;

  constructor(
    readonly host: FastHost,
    /** node:http's own handler for a new connection. */
    readonly handOff: (socket: Socket) => void,
  ) {}

  accept(socket: Socket): void {
    this.open.add(new Connection(this, socket));
  }

  forget(connection: Connection): void {
    this.open.delete(connection);
  }

  /** No new requests: idle connections close now, busy ones after their answers. */
  closeIdle(): void {
    this.closing = true;
    for (const connection of this.open) connection.closeWhenIdle();
  }

  closeAll(): void {
    for (const connection of this.open) connection.socket.destroy();
  }
}

/** One request's place in its connection's answers, which go out in the order of the requests. */
class Slot implements Respondent {
  out: string | null | undefined;
  body: Buffer | undefined;
  /** `out` is a head and an ASCII body: written as latin1. */
  latin1 = false;

  constructor(
    private readonly connection: Connection,
    readonly close: boolean,
  ) {}

  gone(): boolean {
    return this.out !== undefined || this.connection.hungUp();
  }

  send(status: number, headers: Record<string, string>, body: string | Buffer): void {
    let head = `HTTP/1.1 ${status} ${STATUS_CODES[status] ?? 'unknown'}\r\n`;
    for (const name in headers) {
      const value = headers[name]!;
      if (INVALID_VALUE.test(value)) throw new TypeError(`invalid character in header ${name}`);
      head += `${name}: ${value}\r\n`;
    }
    const close = this.close || this.connection.closing();
    head += `Date: ${httpDate()}\r\n${close ? CLOSE : KEEP_ALIVE}`;
    if (typeof body === 'string') {
      this.out = head + body;
      // A body as long in bytes as in characters is ASCII: the whole answer is then written as
      // latin1 (as node:http writes a head), the same bytes for the body, without Node working out
      // a UTF-8 length first. Any other body goes out with its head as UTF-8.
      this.latin1 = headers['content-length'] === String(body.length);
    } else {
      this.out = head;
      this.body = body;
    }
    this.connection.flush();
  }

  drop(): void {
    this.out = null;
    this.connection.socket.destroy();
    this.connection.flush();
  }
}

class Connection {
  private buf: Buffer | undefined;
  private readonly queue: Slot[] = [];
  /** A request the fast path does not take is waiting for the answers before it. */
  private handing = false;
  /** Nothing more is read: the client asked to close, or has sent its last byte. */
  private last = false;
  private served = false;
  /** Reading stopped until answers go out: too many pending, or the client is not reading. */
  private held = false;

  constructor(
    private readonly path: FastPath,
    readonly socket: Socket,
  ) {
    // No delay and keep-alive are set already: node:http's server accepted the connection.
    socket.setTimeout(path.host.headersTimeoutMs);
    for (const [event, listener] of this.listeners()) socket.on(event, listener);
  }

  /** What this connection listens to on its socket, while the socket is its own. */
  private listeners(): [string, Parameters<EventEmitter['on']>[1]][] {
    return [
      ['data', this.onData],
      ['end', this.onEnd],
      ['timeout', this.onTimeout],
      ['error', this.onError],
      ['close', this.onClose],
      ['drain', this.release],
    ];
  }

  hungUp(): boolean {
    return this.socket.destroyed || !this.socket.writable;
  }

  closing(): boolean {
    return this.last || this.path.closing;
  }

  closeWhenIdle(): void {
    if (this.queue.length === 0) this.socket.destroy();
  }

  private readonly onData = (chunk: Buffer): void => {
    if (this.last) return;
    this.buf = this.buf === undefined ? chunk : Buffer.concat([this.buf, chunk]);
    if (!this.handing) this.pump();
  };

  private pump(): void {
    try {
      this.read();
    } catch {
      // Nothing here should throw; if it does, this connection ends, never the process.
      this.socket.destroy();
    }
  }

  private read(): void {
    const { host } = this.path;
    while (this.buf !== undefined && !this.last) {
      // As node:http does, a client that pipelines without reading its answers waits.
      if (this.queue.length >= MAX_PENDING || this.socket.writableNeedDrain) {
        this.held = true;
        this.socket.pause();
        return;
      }
      const buf = this.buf;
      const head = readRequestHead(buf, host.maxBodyBytes);
      const end = head ? head.bodyStart + head.length : Infinity;
      if (!head || end > buf.length || this.path.closing || !host.takes(head.url)) {
        return this.handOffWhenIdle();
      }
      // A copy: the record keeps the body, not the whole chunk read from the socket.
      const body = Buffer.allocUnsafe(head.length);
      buf.copy(body, 0, head.bodyStart, end);
      this.buf = end === buf.length ? undefined : buf.subarray(end);
      const slot = new Slot(this, head.close);
      if (head.close) {
        this.last = true;
        this.buf = undefined;
      }
      this.queue.push(slot);
      // From the first request on, the keep-alive timeout: reset by every read and write, and
      // ignored while an answer is pending (so not set again for each request).
      if (!this.served) this.socket.setTimeout(KEEP_ALIVE_MS);
      this.served = true;
      host.take(head, body, slot);
    }
  }

  /** Writes the answers that are ready, in order; then waits for the next request, or hands off. */
  flush(): void {
    const { socket, queue } = this;
    while (queue.length > 0 && queue[0]!.out !== undefined) {
      const slot = queue.shift()!;
      const out = slot.out;
      if (out === null || out === undefined || this.hungUp()) continue;
      if (slot.body === undefined) socket.write(out, slot.latin1 ? 'latin1' : 'utf8');
      else {
        socket.cork();
        socket.write(out, 'latin1');
        socket.write(slot.body);
        socket.uncork();
      }
      if (slot.close) socket.end();
    }
    if (this.hungUp()) return;
    if (queue.length === 0 && this.closing()) return void socket.end();
    if (queue.length === 0 && this.handing) return this.handOffWhenIdle();
    this.release();
  }

  /** Reads again once the answers pending are few and the client takes what is written. */
  private readonly release = (): void => {
    if (!this.held || this.queue.length >= MAX_PENDING || this.socket.writableNeedDrain) return;
    this.held = false;
    this.socket.resume();
    if (!this.handing) this.pump();
  };

  /** Gives the connection to node:http, with what it has not read, once no answer is pending. */
  private handOffWhenIdle(): void {
    const { socket } = this;
    if (this.queue.length > 0) {
      this.handing = true;
      socket.pause();
      return;
    }
    this.path.forget(this);
    socket.setTimeout(0);
    for (const [event, listener] of this.listeners()) socket.removeListener(event, listener);
    // Paused, so that the bytes put back wait for node:http's reader instead of going out now.
    socket.pause();
    if (this.buf !== undefined) socket.unshift(this.buf);
    this.buf = undefined;
    this.path.handOff(socket);
    socket.resume();
  }

  private readonly onEnd = (): void => {
    // As node:http does: the client's last byte closes the connection; an answer not yet
    // written finds no one to take it.
    this.last = true;
    if (this.socket.writable) this.socket.end();
  };

  private readonly onTimeout = (): void => {
    if (this.queue.length > 0) return;
    if (this.served || !this.socket.writable) return void this.socket.destroy();
    // No request within the headers timeout: answered as node:http answers one too slow.
    this.socket.end('HTTP/1.1 408 Request Timeout\r\nConnection: close\r\n\r\n', () => this.socket.destroy());
  };

  private readonly onError = (): void => {
    this.socket.destroy();
  };

  private readonly onClose = (): void => {
    this.path.forget(this);
  };
}
