import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import type { WebSocket, WebSocketServer } from 'ws';
import { refusal } from '../core/guards.js';
import { targetParam, targetPath } from './target.js';

export const FEED_PATH = '/__mes-webhooks/feed';
const PING_INTERVAL_MS = 30_000;
/** A client this far behind is dropped rather than letting memory grow. */
export const MAX_BUFFERED_BYTES = 4 * 1024 * 1024;

export interface FeedOptions {
  token: string;
  /**
   * What a client gets first: `{ type: 'hello', ...fields, deliveries: [...] }`, the deliveries
   * given as their JSON texts, so the message is streamed in fragments, never built as one string.
   */
  hello(): { fields: Record<string, unknown>; deliveries: Iterable<string> };
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

  /**
   * Handles an HTTP upgrade; refuses with 403 before any WebSocket exists when a guard fails.
   * Total: whatever the request holds, it is answered or the socket is closed, never thrown.
   */
  upgrade(req: IncomingMessage, socket: Duplex, head: Buffer): void {
    socket.on('error', () => socket.destroy());
    try {
      if (targetPath(req.url) !== FEED_PATH) return reject(socket, 404, 'no WebSocket here');
      const why = refusal(
        { host: req.headers.host, origin: req.headers.origin },
        targetParam(req.url, 'token'),
        this.options.token,
      );
      if (why) return reject(socket, 403, why);
    } catch {
      return reject(socket, 400, 'bad upgrade request');
    }
    void this.server().then(
      (wss) => {
        if (this.closed || socket.destroyed) return socket.destroy();
        try {
          wss.handleUpgrade(req, socket, head, (ws) => {
            this.alive.add(ws);
            ws.on('pong', () => this.alive.add(ws));
            ws.on('error', () => ws.terminate());
            this.sendHello(ws);
          });
        } catch {
          reject(socket, 400, 'bad upgrade request');
        }
      },
      () => socket.destroy(),
    );
  }

  /** One message, sent as fragments: the head, each delivery, the tail. */
  private sendHello(ws: WebSocket): void {
    const { fields, deliveries } = this.options.hello();
    const head = JSON.stringify({ type: 'hello', ...fields });
    let pending = `${head.slice(0, -1)},"deliveries":[`;
    let first = true;
    for (const text of deliveries) {
      ws.send(pending, { fin: false });
      pending = first ? text : `,${text}`;
      first = false;
    }
    ws.send(`${pending}]}`, { fin: true });
  }

  broadcast(message: unknown): void {
    if (this.wss && this.wss.clients.size > 0) this.broadcastText(JSON.stringify(message));
  }

  /** Sends a message already in JSON to every client that keeps up. */
  broadcastText(text: string): void {
    if (!this.wss || this.wss.clients.size === 0) return;
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

const REASONS = { 400: 'Bad Request', 403: 'Forbidden', 404: 'Not Found' } as const;

function reject(socket: Duplex, status: keyof typeof REASONS, reason: string): void {
  if (!socket.writable) return void socket.destroy();
  const text = JSON.stringify({ ok: false, error: reason });
  socket.end(
    `HTTP/1.1 ${status} ${REASONS[status]}\r\nContent-Type: application/json\r\n` +
      `Content-Length: ${Buffer.byteLength(text)}\r\nConnection: close\r\n\r\n${text}`,
  );
}
