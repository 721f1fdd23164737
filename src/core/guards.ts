import { timingSafeEqual } from 'node:crypto';
import { parseHost } from './host.js';

const LOCAL_HOSTNAMES = new Set(['localhost', '127.0.0.1', '[::1]', '::1']);

const isLoopbackName = (name: string) =>
  LOCAL_HOSTNAMES.has(name) || name.endsWith('.localhost') || /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(name);

/** A Host header naming this machine: guards against DNS rebinding. */
export function isLocalHost(host: string | undefined): boolean {
  const parts = parseHost(host);
  return parts !== undefined && isLoopbackName(parts.hostname.replace(/\.$/, ''));
}

/** An Origin of a page on this machine, or none at all (a non-browser client). */
export function isLocalOrigin(origin: string | undefined): boolean {
  if (origin === undefined) return true;
  try {
    const url = new URL(origin);
    return (
      (url.protocol === 'http:' || url.protocol === 'https:') && isLoopbackName(url.hostname.toLowerCase())
    );
  } catch {
    return false;
  }
}

export function sameToken(given: string | null | undefined, expected: string): boolean {
  if (!given) return false;
  const a = Buffer.from(given);
  const b = Buffer.from(expected);
  return a.length === b.length && timingSafeEqual(a, b);
}

/** Why a request for the feed or inspector is refused, or undefined when it may go on. */
export function refusal(
  headers: { host?: string; origin?: string },
  token: string | null,
  expected: string,
): string | undefined {
  if (!isLocalHost(headers.host)) return 'the Host header does not name this machine';
  if (!isLocalOrigin(headers.origin)) return 'the Origin is not a page on this machine';
  if (!sameToken(token, expected)) return 'a valid token is needed (it is printed when the listener starts)';
  return undefined;
}
