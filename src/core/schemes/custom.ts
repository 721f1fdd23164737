import { headerValue } from '../headers.js';
import { decodeBase64, hmacSha256, hmacSha256Text, parseUnixSeconds, sameBytes } from './hmac.js';
import { invalid, missing, valid, type Scheme } from './types.js';

/** A signing scheme declared as data in a config file: which header, what is signed, how encoded. */
export interface CustomSchemeDef {
  id: string;
  signatureHeader: string;
  /** What the HMAC covers, joined by dots: the raw body, or timestamp and body, or id, timestamp and body. */
  signedContent: 'body' | 'timestamp.body' | 'id.timestamp.body';
  encoding: 'hex' | 'base64';
  /** Text before each signature, e.g. `sha256=` or `v1,`. */
  prefix: string;
  /** Separates several signatures in the header (key rotation); none when absent. */
  separator?: string;
  timestampHeader?: string;
  idHeader?: string;
  /** How the secret becomes the HMAC key: its UTF-8 bytes, or base64 after an optional `whsec_`. */
  secretEncoding: 'utf8' | 'base64';
  toleranceSec: number | null;
}

export function customScheme(def: CustomSchemeDef): Scheme {
  const signatureHeader = def.signatureHeader.toLowerCase();
  const timestampHeader = def.timestampHeader?.toLowerCase();
  const idHeader = def.idHeader?.toLowerCase();
  const needsTimestamp = def.signedContent !== 'body';
  const needsId = def.signedContent === 'id.timestamp.body';
  const keyOf = (secret: string) =>
    def.secretEncoding === 'base64'
      ? decodeBase64(secret.replace(/^whsec_/, ''))
      : Buffer.from(secret, 'utf8');
  const parts = (id: string, timestamp: number) =>
    def.signedContent === 'body'
      ? []
      : def.signedContent === 'timestamp.body'
        ? [`${timestamp}.`]
        : [`${id}.${timestamp}.`];
  const decode = (text: string) =>
    def.encoding === 'hex'
      ? /^[0-9a-fA-F]{64}$/.test(text)
        ? Buffer.from(text, 'hex')
        : undefined
      : decodeBase64(text);

  const scheme: Scheme = {
    id: def.id,
    description: `${def.signatureHeader}: ${def.encoding} HMAC-SHA256 of "${def.signedContent.replace('body', '<body>')}"`,
    headers: [
      signatureHeader,
      ...(idHeader ? [idHeader] : []),
      ...(timestampHeader ? [timestampHeader] : []),
    ],
    toleranceSec: needsTimestamp ? def.toleranceSec : null,
    sign({ secret, body, timestamp, messageId }) {
      const key = keyOf(secret);
      if (!key) throw new TypeError(`the ${def.id} scheme needs a base64 secret`);
      const headers: Record<string, string> = {
        [signatureHeader]: `${def.prefix}${hmacSha256Text(def.encoding, key, ...parts(messageId, timestamp), body)}`,
      };
      if (timestampHeader) headers[timestampHeader] = String(timestamp);
      if (idHeader) headers[idHeader] = messageId;
      return headers;
    },
    verify(input) {
      const value = headerValue(input.headers, signatureHeader);
      if (value === undefined) return missing(signatureHeader);
      const key = keyOf(input.secret);
      if (!key) return invalid(`the secret is not base64, as the ${def.id} scheme needs`);
      let timestamp = 0;
      if (needsTimestamp) {
        const text = timestampHeader ? headerValue(input.headers, timestampHeader) : undefined;
        const parsed = parseUnixSeconds(text);
        if (parsed === undefined) return invalid(`${timestampHeader} is missing or not unix seconds`);
        timestamp = parsed;
      }
      const id = needsId && idHeader ? headerValue(input.headers, idHeader) : '';
      if (needsId && !id) return invalid(`no ${idHeader} header`);
      const expected = hmacSha256(key, ...parts(id ?? '', timestamp), input.body);
      const candidates = def.separator ? value.split(def.separator) : [value];
      const matched = candidates.some((candidate) => {
        const trimmed = candidate.trim();
        if (!trimmed.startsWith(def.prefix)) return false;
        const given = decode(trimmed.slice(def.prefix.length));
        return given !== undefined && sameBytes(given, expected);
      });
      if (!matched) return invalid('signature does not match');
      const tolerance = input.toleranceSec === undefined ? scheme.toleranceSec : input.toleranceSec;
      if (needsTimestamp && tolerance !== null && Math.abs(input.now - timestamp) > tolerance) {
        return invalid(
          `timestamp is ${Math.abs(input.now - timestamp)} s off, over the ${tolerance} s tolerance`,
        );
      }
      return valid();
    },
  };
  return scheme;
}
