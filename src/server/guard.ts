import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Duplex } from 'node:stream';

type Handler = (req: IncomingMessage, res: ServerResponse) => void | Promise<void>;

/**
 * The last resort around a request handler: whatever it throws or rejects with goes to `onFault`
 * (which answers and records it), and a fault in `onFault` itself closes the socket. Nothing
 * escapes to the server, so no request can end the process.
 */
export function guarded(
  handler: Handler,
  onFault: (req: IncomingMessage, res: ServerResponse, error: unknown) => void | Promise<void>,
): (req: IncomingMessage, res: ServerResponse) => void {
  const last = (req: IncomingMessage, res: ServerResponse, error: unknown) => {
    try {
      Promise.resolve(onFault(req, res, error)).catch(() => res.destroy());
    } catch {
      res.destroy();
    }
  };
  return (req, res) => {
    try {
      const done = handler(req, res);
      if (done) done.catch((error: unknown) => last(req, res, error));
    } catch (error) {
      last(req, res, error);
    }
  };
}

/** What a fault's message says, whatever was thrown. */
export function faultMessage(error: unknown): string {
  try {
    return error instanceof Error ? `${error.name}: ${error.message}` : String(error);
  } catch {
    return 'unknown fault';
  }
}

/** Malformed requests and clients too slow with their headers: answer if possible, then hang up. */
export function answerClientError(error: NodeJS.ErrnoException, socket: Duplex): void {
  // The answers node:http itself gives: 408 for a request that took too long, 431 for headers over
  // its limit, 400 for anything else it cannot parse.
  const status =
    error.code === 'ERR_HTTP_REQUEST_TIMEOUT'
      ? '408 Request Timeout'
      : error.code === 'HPE_HEADER_OVERFLOW'
        ? '431 Request Header Fields Too Large'
        : '400 Bad Request';
  const answer = () => {
    if (!socket.writable) return void socket.destroy();
    socket.end(`HTTP/1.1 ${status}\r\nConnection: close\r\n\r\n`, () => socket.destroy());
  };
  // A request pipelined ahead of the malformed one gets its own answer first, as logged.
  const inFlight = (socket as { _httpMessage?: ServerResponse })._httpMessage;
  if (inFlight && inFlight.req.complete && !inFlight.writableFinished && !inFlight.destroyed) {
    inFlight.once('close', answer);
  } else answer();
}
