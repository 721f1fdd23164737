import type { EventName } from '../generated/catalog.js';
import { makeDelivery, type EventOptions, type SentDelivery } from './event.js';
import { openKitLog, type LogOption } from './log.js';
import { openTarget, type FetchHandler, type Target } from './transport.js';

export interface DeliverOptions extends EventOptions {
  /** The request path for in-process targets (default `/`); resolved against a URL target when given. */
  path?: string;
  /** Milliseconds before an unanswered delivery counts as failed (default 30 s). */
  timeoutMs?: number;
  /** Also write the delivery to the delivery log: `true` for the project's log, or a file path. */
  log?: LogOption;
}

export interface DeliverResult {
  /** null when no answer came (refused connection, timeout); `error` says why. */
  status: number | null;
  headers: Record<string, string>;
  /** The answer's body as text. */
  body: string;
  durationMs: number;
  error?: string;
  /** The delivery that was sent: exact body, headers, event and ids. */
  delivery: SentDelivery;
}

/**
 * Sends one signed event to `target` as its platform would: a URL, a node:http listener or Express
 * app, a Fastify app, a fetch handler, or an object with `fetch` (Hono). In-process targets need no port.
 */
export function deliver(
  target: FetchHandler,
  event: EventName | string,
  options?: DeliverOptions,
): Promise<DeliverResult>;
export function deliver(
  target: Target,
  event: EventName | string,
  options?: DeliverOptions,
): Promise<DeliverResult>;
export async function deliver(
  target: Target,
  event: EventName | string,
  options: DeliverOptions = {},
): Promise<DeliverResult> {
  const delivery = makeDelivery(event, options);
  const transport = await openTarget(target, {
    ...(options.timeoutMs === undefined ? {} : { timeoutMs: options.timeoutMs }),
  });
  const log = openKitLog(options.log);
  try {
    const at = new Date();
    const answer = await transport.send({
      ...(options.path === undefined ? {} : { path: options.path }),
      headers: delivery.headers,
      body: delivery.body,
    });
    await log.record(delivery, answer, { kind: 'send', at });
    return {
      status: answer.status,
      headers: answer.headers,
      body: answer.body.toString('utf8'),
      durationMs: answer.durationMs,
      ...(answer.error ? { error: answer.error } : {}),
      delivery,
    };
  } finally {
    await transport.close();
    await log.close();
  }
}
