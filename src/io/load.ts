import { connect, type Socket } from 'node:net';
import type { PostResult } from './http.js';
import { Deadlines } from './deadlines.js';
import { AnswerReader, requestHead, type Answer } from './http1.js';

/** One request of a load run: what to send, built just before it is written. */
export interface LoadRequest {
  /** Path and query on the run's origin. */
  path: string;
  headers: Record<string, string>;
  body: string | Buffer;
}

export interface LoadOptions<T extends LoadRequest> {
  /** Every request goes to this origin, e.g. http://127.0.0.1:3000 (plain http). */
  origin: string;
  total: number;
  connections: number;
  timeoutMs: number;
  /** Builds the next request (a fresh event, ids and signature each time). */
  next: () => T;
  /**
   * Aborting stops the run early: no request is written after it, and those in flight are still
   * answered, time out, or settle as SENDER_STOPPED when `cutOff` aborts; the run ends once all have.
   */
  signal?: AbortSignal;
  /** Aborting settles every request still in flight as failed with SENDER_STOPPED, at once. */
  cutOff?: AbortSignal;
  /** Called exactly once per request with what became of it. */
  settle: (request: T, result: PostResult) => void;
}

type Failure = NonNullable<PostResult['error']>;
const READ_BUFFER_BYTES = 64 * 1024;
const NO_BYTES = Buffer.alloc(0);
const NO_HEADERS: Record<string, string> = Object.freeze({}) as Record<string, string>;

/**
 * Sends `total` requests over `connections` keep-alive connections, one request in flight on each:
 * every request is written as one string straight to its socket, and only what the log keeps is read
 * back from the answer. `next` runs per request, so nothing is replayed: each one is built and signed
 * afresh. A refused connection, a reset, garbage or a timeout settles the request in flight as failed;
 * the connection is then opened again and the run goes on, so it always ends after `total` requests.
 */
export function runLoad<T extends LoadRequest>(options: LoadOptions<T>): Promise<void> {
  const origin = new URL(options.origin);
  const host = origin.host;
  const url = `${origin.origin}/`;
  const port = Number(origin.port || 80);
  // A bracketed IPv6 literal connects without its brackets.
  const hostname = origin.hostname.replace(/^\[(.*)\]$/, '$1');
  const readBuffer = Buffer.allocUnsafe(READ_BUFFER_BYTES);
  let issued = 0;
  let stopped = false;
  let finish: () => void;
  let crash: (error: unknown) => void;
  const done = new Promise<void>((resolve, reject) => {
    finish = resolve;
    crash = reject;
  });

  class Connection {
    socket: Socket | undefined;
    request: T | undefined;
    started = 0;
    /** Takes the request in flight off the run's deadlines. */
    cancelDeadline: (() => void) | undefined;
    failure: Error | undefined;
    readonly reader = new AnswerReader();

    /** Writes the next request, opening the connection first when there is none. */
    send(): void {
      issued++;
      let request: T;
      try {
        request = options.next();
      } catch (error) {
        // A request that cannot be built (a bad secret, --strict findings) ends the run with its error.
        stopped = true;
        for (const c of connections) {
          c.take();
          c.drop();
        }
        // Rejected before `end` resolves: the run fails with the error rather than ending quietly.
        crash(error);
        end();
        return;
      }
      const body = request.body;
      const length = typeof body === 'string' ? Buffer.byteLength(body) : body.length;
      const head = requestHead(request.path, host, request.headers, length);
      const socket = this.socket ?? this.open();
      this.request = request;
      this.started = performance.now();
      this.cancelDeadline = deadlines.add(options.timeoutMs, () =>
        this.fail('TIMEOUT', `no answer from ${url} within ${options.timeoutMs} ms`),
      );
      if (typeof body === 'string') socket.write(head + body);
      else socket.write(Buffer.concat([Buffer.from(head, 'latin1'), body]));
    }

    open(): Socket {
      const socket = connect({
        host: hostname,
        port,
        noDelay: true,
        // Straight into one buffer every connection shares, as answers are read at once: no
        // stream machinery and no new buffer per read.
        onread: {
          buffer: readBuffer,
          callback: (length) => {
            if (this.socket === socket) this.received(readBuffer.subarray(0, length));
            return true;
          },
        },
      });
      this.socket = socket;
      this.failure = undefined;
      this.reader.reset();
      socket.on('end', () => {
        const answer = this.socket === socket ? this.reader.end() : undefined;
        if (answer) this.answered(answer);
      });
      socket.on('error', (error) => (this.failure = error));
      socket.on('close', () => {
        if (this.socket !== socket) return;
        this.socket = undefined;
        const error = this.failure as NodeJS.ErrnoException | undefined;
        if (error?.code === 'ECONNREFUSED') this.fail('ECONNREFUSED', `nothing is listening at ${url}`);
        else if (error)
          this.fail('NETWORK', `${url}: ${error.message}${error.code ? ` (${error.code})` : ''}`);
        else this.fail('NETWORK', `${url}: the connection closed before an answer`);
      });
      return socket;
    }

    received(chunk: Buffer): void {
      let answer: Answer | undefined;
      try {
        answer = this.reader.push(chunk);
      } catch (error) {
        this.fail('NETWORK', `${url}: ${(error as Error).message}`);
        return;
      }
      if (answer) this.answered(answer);
    }

    /** The request in flight, taken off the connection and off the deadlines. */
    take(): T | undefined {
      const request = this.request;
      this.request = undefined;
      this.cancelDeadline?.();
      this.cancelDeadline = undefined;
      return request;
    }

    answered(answer: Answer): void {
      const request = this.take();
      if (!request) return;
      if (answer.closes) this.drop();
      const durationMs = performance.now() - this.started;
      options.settle(request, {
        status: answer.status,
        headers: answer.headers,
        body: answer.body,
        durationMs,
      });
      this.next();
    }

    /** Settles the request in flight as failed and gives the connection up (another is opened). */
    fail(code: Failure['code'], message: string): void {
      this.drop();
      const request = this.take();
      if (!request) return this.next();
      const durationMs = performance.now() - this.started;
      options.settle(request, {
        status: null,
        headers: NO_HEADERS,
        body: NO_BYTES,
        durationMs,
        error: { code, message },
      });
      this.next();
    }

    drop(): void {
      const socket = this.socket;
      this.socket = undefined;
      socket?.destroy();
    }

    next(): void {
      if (stopped || issued >= options.total) {
        this.drop();
        if (connections.every((c) => c.request === undefined)) end();
      } else this.send();
    }
  }

  const connections = Array.from(
    { length: Math.max(1, Math.min(options.connections, options.total)) },
    () => new Connection(),
  );
  // One timer for every request's deadline, armed for the earliest (not one per request): a request
  // times out when its time is up.
  const deadlines = new Deadlines();
  // Stopped: what is in flight was written and is waited for; each connection ends with its answer.
  const stop = () => {
    stopped = true;
    for (const c of connections) if (c.request === undefined) c.next();
  };
  const cut = () => {
    stopped = true;
    for (const c of connections) c.fail('SENDER_STOPPED', `${url}: the run was stopped before an answer`);
  };
  let ended = false;
  const end = () => {
    if (ended) return;
    ended = true;
    options.signal?.removeEventListener('abort', stop);
    options.cutOff?.removeEventListener('abort', cut);
    finish();
  };
  if (options.total <= 0) end();
  else if (options.signal?.aborted || options.cutOff?.aborted) {
    stopped = true;
    end();
  } else {
    options.signal?.addEventListener('abort', stop, { once: true });
    options.cutOff?.addEventListener('abort', cut, { once: true });
    for (const c of connections) if (!stopped) c.send();
  }
  return done;
}
