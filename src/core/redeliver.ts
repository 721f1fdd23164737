import { unixSeconds, type Freshness } from './providers/types.js';
import { BUILTIN_REGISTRY, type Registry } from './registry.js';
import type { SchemeId } from './schemes/types.js';

export interface Redelivery {
  body: Buffer;
  headers: Record<string, string>;
}

/**
 * A delivery made again the way its platform would: the same event id, the body changed only where
 * the platform changes it (Betterez's attemptId), a fresh timestamp, and a new signature with the
 * current secret. Standard Webhooks keeps its webhook-id.
 */
export function resignDelivery(input: {
  body: Buffer;
  headers: Record<string, string>;
  scheme: SchemeId | null;
  provider: string | null;
  secret: string;
  fresh: Freshness;
  /** The providers and schemes the run knows; the built-ins when absent. */
  registry?: Registry;
}): Redelivery {
  const registry = input.registry ?? BUILTIN_REGISTRY;
  const provider = input.provider ? registry.provider(input.provider) : undefined;
  let body = input.body;
  if (provider?.redeliveredPayload) {
    try {
      const payload = JSON.parse(body.toString('utf8'));
      body = Buffer.from(JSON.stringify(provider.redeliveredPayload(payload, input.fresh)));
    } catch {
      // Not JSON: the bytes go again unchanged.
    }
  }
  if (!input.scheme) return { body, headers: { ...input.headers } };
  const signatureHeaders = new Set(registry.schemes.flatMap((s) => s.headers));
  const kept = Object.fromEntries(
    Object.entries(input.headers).filter(([name]) => !signatureHeaders.has(name)),
  );
  const signed = registry.scheme(input.scheme).sign({
    secret: input.secret,
    body,
    timestamp: unixSeconds(input.fresh.now),
    messageId:
      input.headers['webhook-id'] ??
      input.headers['svix-id'] ??
      `msg_${input.fresh.uuid().replace(/-/g, '')}`,
  });
  return { body, headers: { ...kept, ...signed } };
}
