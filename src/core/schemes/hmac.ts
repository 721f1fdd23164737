import type { KeyObject } from 'node:crypto';
import { nodeCrypto } from '../node-crypto.js';

export type Bytes = string | Uint8Array;

// A load run signs thousands of requests a second with one secret: its key is made once, not per
// request. One entry only, for the string key last used (an empty one is left as it is).
let lastKey = '';
let lastKeyObject: KeyObject | undefined;
function keyOf(key: Bytes): Bytes | KeyObject {
  if (typeof key !== 'string' || key.length === 0) return key;
  if (key !== lastKey || !lastKeyObject) {
    lastKeyObject = nodeCrypto().createSecretKey(key, 'utf8');
    lastKey = key;
  }
  return lastKeyObject;
}

function mac(key: Bytes, parts: Bytes[]) {
  const hmac = nodeCrypto().createHmac('sha256', keyOf(key));
  for (const part of parts) hmac.update(part);
  return hmac;
}

export function hmacSha256(key: Bytes, ...parts: Bytes[]): Buffer {
  return mac(key, parts).digest();
}

/** The digest as text: cheaper than encoding the Buffer `hmacSha256` returns, as signing does. */
export function hmacSha256Text(encoding: 'hex' | 'base64', key: Bytes, ...parts: Bytes[]): string {
  return mac(key, parts).digest(encoding);
}

const HEX_SHA256 = /^[0-9a-fA-F]{64}$/;
const BASE64 = /^[A-Za-z0-9+/]+={0,2}$/;

/** Decodes a hex SHA-256 digest, allowing a `sha256=` prefix; undefined when it is not one. */
export function decodeHexDigest(value: string): Buffer | undefined {
  // A value of 64 characters can only be the bare digest: no trimming or prefix to take off.
  const hex = value.length === 64 ? value : value.trim().replace(/^sha256=/i, '');
  return HEX_SHA256.test(hex) ? Buffer.from(hex, 'hex') : undefined;
}

/** Strict base64 decoding: undefined for anything Node's lenient decoder would quietly accept. */
export function decodeBase64(value: string): Buffer | undefined {
  if (value.length === 0 || value.length % 4 !== 0 || !BASE64.test(value)) return undefined;
  const bytes = Buffer.from(value, 'base64');
  return bytes.toString('base64') === value ? bytes : undefined;
}

/** Constant-time comparison that is also safe for buffers of different lengths. */
export function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
  return a.length === b.length && nodeCrypto().timingSafeEqual(a, b);
}

/** A whole, non-negative number of seconds written only with digits, or undefined. */
export function parseUnixSeconds(value: string | undefined): number | undefined {
  if (value === undefined || !/^\d{1,12}$/.test(value.trim())) return undefined;
  return Number(value.trim());
}
