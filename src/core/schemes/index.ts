import { headerValue } from '../headers.js';
import { decodeBase64, decodeHexDigest, hmacSha256, parseUnixSeconds, sameBytes } from './hmac.js';
import { UsageError } from '../errors.js';
import {
  invalid,
  missing,
  valid,
  type BuiltinSchemeId,
  type Scheme,
  type SchemeId,
  type VerifyInput,
  type VerifyResult,
} from './types.js';

export * from './types.js';

const FIVE_MINUTES_SEC = 300;

/** Tolerance in force for one verification: the caller's choice, else the scheme's. */
function toleranceOf(scheme: Scheme, input: VerifyInput): number | null {
  return input.toleranceSec === undefined ? scheme.toleranceSec : input.toleranceSec;
}

function timestampProblem(timestamp: number, now: number, toleranceSec: number | null): string | undefined {
  if (toleranceSec === null) return undefined;
  const skew = now - timestamp;
  if (skew > toleranceSec) return `timestamp is ${skew} s old, over the ${toleranceSec} s tolerance`;
  if (-skew > toleranceSec)
    return `timestamp is ${-skew} s in the future, over the ${toleranceSec} s tolerance`;
  return undefined;
}

/** `x-mes-signature` and `x-sha2-signature`: lowercase hex HMAC-SHA256 of the raw body. */
function rawBodyHexScheme(id: SchemeId, header: string, description: string): Scheme {
  return {
    id,
    description,
    headers: [header],
    toleranceSec: null,
    sign: ({ secret, body }) => ({ [header]: hmacSha256(secret, body).toString('hex') }),
    verify(input) {
      const value = headerValue(input.headers, header);
      if (value === undefined) return missing(header);
      const given = decodeHexDigest(value);
      if (!given) return invalid(`${header} is not a 64-character hex SHA-256 digest`);
      return sameBytes(given, hmacSha256(input.secret, input.body))
        ? valid()
        : invalid('signature does not match the body and secret');
    },
  };
}

/** `t=<unix s>,<version>=<hex>` over `"<t>.<body>"`, as Tracktile (v1) and Betterez (s2) sign. */
function timestampedHexScheme(
  id: SchemeId,
  header: string,
  version: string,
  toleranceSec: number | null,
  description: string,
): Scheme {
  const scheme: Scheme = {
    id,
    description,
    headers: [header],
    toleranceSec,
    sign: ({ secret, body, timestamp }) => ({
      [header]: `t=${timestamp},${version}=${hmacSha256(secret, `${timestamp}.`, body).toString('hex')}`,
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
      const problem = timestampProblem(timestamp, input.now, toleranceOf(scheme, input));
      return problem ? invalid(problem) : valid();
    },
  };
  return scheme;
}

/** Standard Webhooks keys are base64 after a `whsec_` prefix; undefined when the secret is not one. */
export function standardKey(secret: string): Buffer | undefined {
  return decodeBase64(secret.startsWith('whsec_') ? secret.slice('whsec_'.length) : secret);
}

const standard: Scheme = {
  id: 'standard',
  description: 'Standard Webhooks: webhook-id, webhook-timestamp, webhook-signature "v1,<base64>"',
  headers: ['webhook-signature', 'webhook-id', 'webhook-timestamp'],
  toleranceSec: FIVE_MINUTES_SEC,
  sign({ secret, body, timestamp, messageId }) {
    const key = standardKey(secret);
    if (!key) throw new TypeError('the standard scheme needs a secret of the form whsec_<base64>');
    const signature = hmacSha256(key, `${messageId}.${timestamp}.`, body).toString('base64');
    return {
      'webhook-id': messageId,
      'webhook-timestamp': String(timestamp),
      'webhook-signature': `v1,${signature}`,
    };
  },
  verify(input) {
    const signatureHeader = headerValue(input.headers, 'webhook-signature');
    if (signatureHeader === undefined) return missing('webhook-signature');
    const id = headerValue(input.headers, 'webhook-id');
    if (!id) return invalid('no webhook-id header');
    const timestampText = headerValue(input.headers, 'webhook-timestamp');
    if (timestampText === undefined) return invalid('no webhook-timestamp header');
    const timestamp = parseUnixSeconds(timestampText);
    if (timestamp === undefined) return invalid(`webhook-timestamp "${timestampText}" is not unix seconds`);
    const key = standardKey(input.secret);
    if (!key) return invalid('the secret is not a whsec_<base64> key');
    const expected = hmacSha256(key, `${id}.${timestamp}.`, input.body);
    let sawV1 = false;
    for (const entry of signatureHeader.split(' ')) {
      const comma = entry.indexOf(',');
      if (comma < 0 || entry.slice(0, comma) !== 'v1') continue;
      sawV1 = true;
      const given = decodeBase64(entry.slice(comma + 1));
      if (given && sameBytes(given, expected)) {
        const problem = timestampProblem(timestamp, input.now, toleranceOf(standard, input));
        return problem ? invalid(problem) : valid();
      }
    }
    return invalid(sawV1 ? 'no v1 signature matches' : 'webhook-signature has no v1,<base64> entry');
  },
};

/** The built-in schemes. */
export const SCHEMES: Readonly<Record<BuiltinSchemeId, Scheme>> = {
  mes: rawBodyHexScheme('mes', 'x-mes-signature', 'x-mes-signature: hex HMAC-SHA256 of the raw body'),
  katana: rawBodyHexScheme('katana', 'x-sha2-signature', 'x-sha2-signature: hex HMAC-SHA256 of the raw body'),
  tracktile: timestampedHexScheme(
    'tracktile',
    'x-tracktile-signature',
    'v1',
    FIVE_MINUTES_SEC,
    'X-Tracktile-Signature: t=<unix s>,v1=<hex HMAC-SHA256 of "<t>.<body>">',
  ),
  betterez: timestampedHexScheme(
    'betterez',
    'x-btrz-signature',
    's2',
    FIVE_MINUTES_SEC,
    'x-btrz-signature: t=<unix s>,s2=<hex HMAC-SHA256 of "<t>.<body>">',
  ),
  standard,
};

const registry = new Map<string, Scheme>(Object.entries(SCHEMES));

/** Adds a scheme (declared in a config file); a later one with the same id replaces it. */
export function registerScheme(scheme: Scheme): void {
  registry.set(scheme.id, scheme);
}

export function allSchemes(): Scheme[] {
  return [...registry.values()];
}

export function isSchemeId(value: string): boolean {
  return registry.has(value);
}

export function schemeOf(id: SchemeId): Scheme {
  const scheme = registry.get(id);
  if (!scheme)
    throw new UsageError(
      `unknown scheme "${id}"`,
      `the schemes are ${[...registry.keys()].join(', ')}`,
      'E_UNKNOWN_SCHEME',
    );
  return scheme;
}

/** The scheme whose identifying header a request carries, if any. */
export function detectScheme(headers: Parameters<typeof headerValue>[0]): Scheme | undefined {
  for (const scheme of registry.values())
    if (headerValue(headers, scheme.headers[0]!) !== undefined) return scheme;
  return undefined;
}

export function sign(scheme: SchemeId, input: Parameters<Scheme['sign']>[0]): Record<string, string> {
  return schemeOf(scheme).sign(input);
}

export function verify(scheme: SchemeId, input: VerifyInput): VerifyResult {
  try {
    return schemeOf(scheme).verify(input);
  } catch (error) {
    // A guard: verification must give a verdict on any input, never an exception.
    return invalid(`could not verify: ${(error as Error).message}`);
  }
}
