import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import type { WebSocket, WebSocketServer } from 'ws';
import { refusal } from '../core/guards.js';

export const FEED_PATH = '/__mes-webhooks/feed';
const PING_INTERVAL_MS = 30_000;
/** A client this far behind is dropped rather than letting memory grow. */
export const MAX_BUFFERED_BYTES = 4 * 1024 * 1024;

export interface FeedOptions {
  token: string;
  /** What a client gets first: the deliveries so far. */
  hello(): unknown;
  pingIntervalMs?: number;
  maxBufferedBytes?: number;
}

/** The live WebSocket feed: each delivery as a JSON message, to local, token-holding clients only. */
export class Feed {
  // ws loads with the first client: a listener nobody watches (send's own receiver) never needs it.
  private wss?: WebSocketServer;
  private loading?: Promise<WebSocketServer>;
  private closed = false;
  private readonly alive = new WeakSet<WebSocket>();
  private readonly timer: NodeJS.Timeout;

  constructor(private readonly options: FeedOptions) {
    this.timer = setInterval(() => this.heartbeat(), options.pingIntervalMs ?? PING_INTERVAL_MS);
    this.timer.unref();
  }

  get clients(): number {
    return this.wss?.clients.size ?? 0;
  }

  private server(): Promise<WebSocketServer> {
    this.loading ??= import('ws').then(({ WebSocketServer }) => {
      this.wss = new WebSocketServer({ noServer: true, maxPayload: 64 * 1024 });
      return this.wss;
    });
    return this.loading;
  }

  /** Handles an HTTP upgrade; refuses with 403 before any WebSocket exists when a guard fails. */
  upgrade(req: IncomingMessage, socket: Duplex, head: Buffer): void {
    const url = new URL(req.url ?? '/', 'http://listener.invalid');
    if (url.pathname !== FEED_PATH) return reject(socket, 404, 'no WebSocket here');
    const why = refusal(
      { host: req.headers.host, origin: req.headers.origin },
      url.searchParams.get('token'),
      this.options.token,
    );
    if (why) return reject(socket, 403, why);
    void this.server().then((wss) => {
      if (this.closed || socket.destroyed) return socket.destroy();
      wss.handleUpgrade(req, socket, head, (ws) => {
        this.alive.add(ws);
        ws.on('pong', () => this.alive.add(ws));
        ws.on('error', () => ws.terminate());
        ws.send(JSON.stringify(this.options.hello()));
      });
    });
  }

  broadcast(message: unknown): void {
    if (!this.wss || this.wss.clients.size === 0) return;
    const text = JSON.stringify(message);
    const limit = this.options.maxBufferedBytes ?? MAX_BUFFERED_BYTES;
    for (const ws of this.wss.clients) {
      if (ws.readyState !== ws.OPEN) continue;
      if (ws.bufferedAmount > limit) ws.terminate();
      else ws.send(text);
    }
  }

  private heartbeat(): void {
    for (const ws of this.wss?.clients ?? []) {
      if (!this.alive.has(ws)) {
        ws.terminate();
        continue;
      }
      this.alive.delete(ws);
      ws.ping();
    }
  }

  close(): void {
    this.closed = true;
    clearInterval(this.timer);
    for (const ws of this.wss?.clients ?? []) ws.terminate();
    this.wss?.close();
  }
}

function reject(socket: Duplex, status: 403 | 404, reason: string): void {
  const text = JSON.stringify({ ok: false, error: reason });
  socket.end(
    `HTTP/1.1 ${status} ${status === 403 ? 'Forbidden' : 'Not Found'}\r\nContent-Type: application/json\r\n` +
      `Content-Length: ${Buffer.byteLength(text)}\r\nConnection: close\r\n\r\n${text}`,
  );
}
