import { headerValue, type HeaderInput } from './core/headers.js';
import type { Payload } from './core/providers/types.js';
import { BUILTIN_REGISTRY, type Registry } from './core/registry.js';
import { verify, type SchemeId } from './core/schemes/index.js';

/** What both receiver-side verifiers (node:http and web-standard) take to pick and check a signature. */
export interface SignatureOptions {
  /** Which platform sends to this endpoint: picks the signing scheme (MES when neither is given). */
  provider?: string;
  /** Or name the scheme directly (e.g. `standard`). */
  scheme?: SchemeId;
  secret: string;
  /** Seconds; null turns the timestamp check off. Defaults to the scheme's. */
  toleranceSec?: number | null;
}

export interface Verified<Raw> {
  provider: string | null;
  event: string | null;
  eventId: string | null;
  payload: Payload;
  /** The exact bytes that were signed. */
  rawBody: Raw;
}

export type BytesVerdict<Raw> =
  { ok: true; webhook: Verified<Raw> } | { ok: false; status: 400 | 401; reason: string };

/** The scheme the options name, or their provider's; a TypeError for one the registry does not know. */
export function schemeFor(options: SignatureOptions, registry: Registry = BUILTIN_REGISTRY): SchemeId {
  if (options.scheme) {
    if (!registry.hasScheme(options.scheme)) throw new TypeError(`unknown scheme "${options.scheme}"`);
    return options.scheme;
  }
  const provider = registry.provider(options.provider ?? 'mes');
  if (!provider) throw new TypeError(`unknown provider "${options.provider}"`);
  return provider.scheme;
}

/**
 * Checks a raw body's signature, then reads it as a JSON object and names its provider, event and id.
 * Every scheme's own rules apply (svix-* headers and unpadded whsec_ keys for Standard Webhooks).
 */
export function verifyBytes<Raw extends Uint8Array>(
  raw: Raw,
  headers: HeaderInput,
  options: SignatureOptions & { nowSec: number },
  registry: Registry = BUILTIN_REGISTRY,
): BytesVerdict<Raw> {
  const result = verify(
    schemeFor(options, registry),
    {
      secret: options.secret,
      body: raw,
      headers,
      now: options.nowSec,
      ...(options.toleranceSec === undefined ? {} : { toleranceSec: options.toleranceSec }),
    },
    registry,
  );
  if (!result.ok) return { ok: false, status: 401, reason: `invalid signature: ${result.reason}` };
  let payload: unknown;
  try {
    payload = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(raw));
  } catch {
    return { ok: false, status: 400, reason: 'the body is not valid JSON' };
  }
  if (!payload || typeof payload !== 'object' || Array.isArray(payload))
    return { ok: false, status: 400, reason: 'the body is not a JSON object' };
  const provider =
    registry.detectProvider(payload) ?? (options.provider ? registry.provider(options.provider) : undefined);
  return {
    ok: true,
    webhook: {
      provider: provider?.id ?? null,
      event: provider?.eventType(payload as Payload) ?? null,
      eventId:
        provider?.eventId(payload as Payload) ??
        headerValue(headers, 'webhook-id') ??
        headerValue(headers, 'svix-id') ??
        null,
      payload: payload as Payload,
      rawBody: raw,
    },
  };
}
