import { headerValue } from '../headers.js';
import { decodeHexDigest, hmacSha256, hmacSha256Text, parseUnixSeconds, sameBytes } from './hmac.js';
import {
  invalid,
  missing,
  valid,
  type HeaderVariant,
  type Scheme,
  type SchemeId,
  type VerifyResult,
} from './types.js';
import { ruleNote, timestampProblem, toleranceOf, type ToleranceDirection } from './tolerance.js';

const DECOY_HEX = 'a'.repeat(64);

function breaker(header: string, valid: Record<string, string>) {
  const base = Object.fromEntries(Object.entries(valid).filter(([name]) => name !== header));
  return (label: string, broken: string): HeaderVariant => ({
    label,
    headers: { ...base, [header]: broken },
  });
}

/** `x-mes-signature` and `x-sha2-signature`: lowercase hex HMAC-SHA256 of the raw body. */
export function rawBodyHexScheme(
  id: SchemeId,
  header: string,
  description: string,
  rawBody: NonNullable<Scheme['rawBody']>,
): Scheme {
  return {
    id,
    description,
    rawBody,
    headers: [header],
    toleranceSec: null,
    sign: ({ secret, body }) => ({ [header]: hmacSha256Text('hex', secret, body) }),
    verify(input) {
      const value = headerValue(input.headers, header);
      if (value === undefined) return missing(header);
      const given = decodeHexDigest(value);
      if (!given) return invalid(`${header} is not a 64-character hex SHA-256 digest`);
      return sameBytes(given, hmacSha256(input.secret, input.body))
        ? valid()
        : invalid('signature does not match the body and secret');
    },
    malformed(validHeaders) {
      const value = validHeaders[header]!;
      const variant = breaker(header, validHeaders);
      return [
        variant('truncated hex', value.slice(0, 20)),
        variant('not hex', 'z'.repeat(64)),
        variant('wrong version prefix (v0=)', `v0=${value}`),
        variant('empty', ''),
      ];
    },
  };
}

/** `t=<unix s>,<version>=<hex>` over `"<t>.<body>"`, as Tracktile (v1) and Betterez (s2) sign. */
export function timestampedHexScheme(
  id: SchemeId,
  header: string,
  version: string,
  description: string,
  document: {
    toleranceSec: number;
    direction: ToleranceDirection;
    timestampRule: NonNullable<Scheme['timestampRule']>;
    rawBody: NonNullable<Scheme['rawBody']>;
  },
): Scheme {
  const scheme: Scheme = {
    id,
    description,
    headers: [header],
    toleranceSec: document.toleranceSec,
    timestampRule: document.timestampRule,
    rawBody: document.rawBody,
    sign: ({ secret, body, timestamp }) => ({
      [header]: `t=${timestamp},${version}=${hmacSha256Text('hex', secret, `${timestamp}.`, body)}`,
    }),
    verify(input): VerifyResult {
      const value = headerValue(input.headers, header);
      if (value === undefined) return missing(header);
      let timestampText: string | undefined;
      const signatures: string[] = [];
      for (const part of value.split(',')) {
        const eq = part.indexOf('=');
        if (eq < 0) continue;
        const key = part.slice(0, eq).trim();
        const val = part.slice(eq + 1).trim();
        if (key === 't') timestampText = val;
        else if (key === version) signatures.push(val);
      }
      if (timestampText === undefined) return invalid(`${header} has no t= timestamp`);
      const timestamp = parseUnixSeconds(timestampText);
      if (timestamp === undefined)
        return invalid(`${header} timestamp "${timestampText}" is not unix seconds`);
      if (signatures.length === 0) return invalid(`${header} has no ${version}= signature`);
      const expected = hmacSha256(input.secret, `${timestamp}.`, input.body);
      const matched = signatures.some((sig) => {
        const given = decodeHexDigest(sig);
        return given !== undefined && sameBytes(given, expected);
      });
      if (!matched) return invalid('signature does not match the timestamp, body and secret');
      const tolerance = toleranceOf(scheme, input);
      const problem = timestampProblem(timestamp, input.now, tolerance, document.direction);
      const rule = document.direction === 'both' ? 'both directions' : 'age-only rule';
      return problem ? invalid(`${problem} (${rule})`) : valid(ruleNote(tolerance, document.direction));
    },
    malformed(validHeaders, timestamp) {
      const value = validHeaders[header]!;
      const digest = value.split(`${version}=`)[1] ?? '';
      const variant = breaker(header, validHeaders);
      return [
        variant('truncated', value.slice(0, value.length - 30)),
        variant('wrong version (v0=)', `t=${timestamp},v0=${digest}`),
        variant('not hex', `t=${timestamp},${version}=${'z'.repeat(64)}`),
        variant('junk timestamp', `t=12ab,${version}=${digest}`),
        variant('no timestamp', `${version}=${digest}`),
      ];
    },
    rotation(validHeaders) {
      const [t, ...rest] = validHeaders[header]!.split(',');
      return {
        label: 'decoy then valid',
        headers: { ...validHeaders, [header]: [t, `${version}=${DECOY_HEX}`, ...rest].join(',') },
      };
    },
  };
  return scheme;
}
