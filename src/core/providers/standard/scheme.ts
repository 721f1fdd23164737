import { headerValue, type HeaderInput } from '../../headers.js';
import { decodeBase64, hmacSha256, hmacSha256Text, parseUnixSeconds, sameBytes } from '../../schemes/hmac.js';
import { ruleNote, timestampProblem, toleranceOf } from '../../schemes/tolerance.js';
import { invalid, missing, valid, type Scheme } from '../../schemes/types.js';

const FIVE_MINUTES_SEC = 300;
const DECOY_BASE64 = Buffer.alloc(32, 7).toString('base64');

/** How the secret becomes the key: base64 after `whsec_` (the default), or its own bytes (raw mode). */
export type SecretFormat = 'base64' | 'raw';

/**
 * Standard Webhooks keys are base64 after a `whsec_` prefix, padded or not, as the official
 * libraries take them; undefined when the secret is not one.
 */
export function standardKey(secret: string): Buffer | undefined {
  const text = secret.startsWith('whsec_') ? secret.slice('whsec_'.length) : secret;
  const padded =
    text.length % 4 === 0 ? text : text.length % 4 === 1 ? text : text + '='.repeat(4 - (text.length % 4));
  return decodeBase64(padded);
}

/** Svix sends the same scheme under its own names; either family is read. */
const FAMILIES = [
  { signature: 'webhook-signature', id: 'webhook-id', timestamp: 'webhook-timestamp' },
  { signature: 'svix-signature', id: 'svix-id', timestamp: 'svix-timestamp' },
] as const;

const familyOf = (headers: HeaderInput) =>
  FAMILIES.find((f) => headerValue(headers, f.signature) !== undefined) ?? FAMILIES[0];

const NOT_BASE64 =
  'the secret is not a whsec_<base64> key; for a plain secret use the libraries\' raw mode ("secretFormat": "raw" in the config file)';

export function standardScheme(format: SecretFormat = 'base64'): Scheme {
  const keyOf = (secret: string) => (format === 'raw' ? Buffer.from(secret, 'utf8') : standardKey(secret));
  const scheme: Scheme = {
    id: 'standard',
    description: `Standard Webhooks: webhook-id, webhook-timestamp, webhook-signature "v1,<base64>" (svix-* too)${format === 'raw' ? ', raw secret' : ''}`,
    headers: FAMILIES.flatMap((f) => [f.signature, f.id, f.timestamp]),
    identifiedBy: FAMILIES.map((f) => f.signature),
    toleranceSec: FIVE_MINUTES_SEC,
    timestampRule: { stale: 'required', future: 'required', source: 'the Standard Webhooks specification' },
    rawBody: { demand: 'required', source: 'the Standard Webhooks specification' },
    sign({ secret, body, timestamp, messageId }) {
      const key = keyOf(secret);
      if (!key) throw new TypeError(NOT_BASE64);
      const signature = hmacSha256Text('base64', key, `${messageId}.${timestamp}.`, body);
      return {
        'webhook-id': messageId,
        'webhook-timestamp': String(timestamp),
        'webhook-signature': `v1,${signature}`,
      };
    },
    verify(input) {
      const names = familyOf(input.headers);
      const signatureHeader = headerValue(input.headers, names.signature);
      if (signatureHeader === undefined) return missing(names.signature);
      const id = headerValue(input.headers, names.id);
      if (!id) return invalid(`no ${names.id} header`);
      const timestampText = headerValue(input.headers, names.timestamp);
      if (timestampText === undefined) return invalid(`no ${names.timestamp} header`);
      const timestamp = parseUnixSeconds(timestampText);
      if (timestamp === undefined)
        return invalid(`${names.timestamp} "${timestampText}" is not unix seconds`);
      const key = keyOf(input.secret);
      if (!key) return invalid(NOT_BASE64);
      const expected = hmacSha256(key, `${id}.${timestamp}.`, input.body);
      let sawV1 = false;
      for (const entry of signatureHeader.split(' ')) {
        const comma = entry.indexOf(',');
        if (comma < 0 || entry.slice(0, comma) !== 'v1') continue;
        sawV1 = true;
        const given = decodeBase64(entry.slice(comma + 1));
        if (given && sameBytes(given, expected)) {
          const tolerance = toleranceOf(scheme, input);
          const problem = timestampProblem(timestamp, input.now, tolerance);
          return problem ? invalid(`${problem} (both directions)`) : valid(ruleNote(tolerance, 'both'));
        }
      }
      return invalid(sawV1 ? 'no v1 signature matches' : `${names.signature} has no v1,<base64> entry`);
    },
    malformed(validHeaders) {
      const value = validHeaders['webhook-signature']!;
      const signature = value.split(',')[1] ?? '';
      const variant = (label: string, broken: string) => ({
        label,
        headers: { ...validHeaders, 'webhook-signature': broken },
      });
      return [
        variant('truncated', value.slice(0, 12)),
        variant('wrong version (v2,)', `v2,${signature}`),
        variant('not base64', 'v1,!!!not-base64!!!'),
        variant('no comma', `v1${signature}`),
        { label: 'junk timestamp', headers: { ...validHeaders, 'webhook-timestamp': 'yesterday' } },
      ];
    },
    rotation(validHeaders, decoySecret) {
      const key = standardKey(decoySecret) ?? Buffer.alloc(24, 1);
      const decoy = hmacSha256(key, 'decoy').toString('base64');
      return {
        label: 'decoys then valid',
        headers: {
          ...validHeaders,
          'webhook-signature': `v1,${decoy} v1a,${DECOY_BASE64} ${validHeaders['webhook-signature']}`,
        },
      };
    },
  };
  return scheme;
}
