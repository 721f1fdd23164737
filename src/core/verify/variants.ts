import { hmacSha256 } from '../schemes/hmac.js';
import { schemeOf, standardKey, type SchemeId } from '../schemes/index.js';

export interface HeaderVariant {
  label: string;
  headers: Record<string, string>;
}

const DECOY_HEX = 'a'.repeat(64);
const DECOY_BASE64 = Buffer.alloc(32, 7).toString('base64');

/** Signature headers broken in the ways real clients break them: each must get a 4xx, never a 5xx. */
export function malformedVariants(
  scheme: SchemeId,
  valid: Record<string, string>,
  timestamp: number,
): HeaderVariant[] {
  const header = schemeOf(scheme).headers[0]!;
  const value = valid[header]!;
  const base = Object.fromEntries(Object.entries(valid).filter(([name]) => name !== header));
  const variant = (label: string, broken: string, extra: Record<string, string> = {}): HeaderVariant => ({
    label,
    headers: { ...base, [header]: broken, ...extra },
  });
  switch (scheme) {
    case 'mes':
    case 'katana':
      return [
        variant('truncated hex', value.slice(0, 20)),
        variant('not hex', 'z'.repeat(64)),
        variant('wrong version prefix (v0=)', `v0=${value}`),
        variant('empty', ''),
      ];
    case 'tracktile':
    case 'betterez': {
      const version = scheme === 'tracktile' ? 'v1' : 's2';
      const digest = value.split(`${version}=`)[1] ?? '';
      return [
        variant('truncated', value.slice(0, value.length - 30)),
        variant('wrong version (v0=)', `t=${timestamp},v0=${digest}`),
        variant('not hex', `t=${timestamp},${version}=${'z'.repeat(64)}`),
        variant('junk timestamp', `t=12ab,${version}=${digest}`),
        variant('no timestamp', `${version}=${digest}`),
      ];
    }
    case 'standard': {
      const signature = value.split(',')[1] ?? '';
      return [
        variant('truncated', value.slice(0, 12)),
        variant('wrong version (v2,)', `v2,${signature}`),
        variant('not base64', 'v1,!!!not-base64!!!'),
        variant('no comma', `v1${signature}`),
        { label: 'junk timestamp', headers: { ...valid, 'webhook-timestamp': 'yesterday' } },
      ];
    }
    default:
      // A scheme declared in a config file: break its signature in the generic ways.
      return [
        variant('truncated', value.slice(0, Math.max(1, Math.floor(value.length / 2)))),
        variant('not encoded', '!!!not-a-signature!!!'),
        variant('empty', ''),
      ];
  }
}

/** One valid signature among decoys, for schemes that carry several; undefined for those that carry one. */
export function rotationVariant(
  scheme: SchemeId,
  valid: Record<string, string>,
  secretForDecoy: string,
): HeaderVariant | undefined {
  switch (scheme) {
    case 'tracktile':
    case 'betterez': {
      const header = schemeOf(scheme).headers[0]!;
      const version = scheme === 'tracktile' ? 'v1' : 's2';
      const [t, ...rest] = valid[header]!.split(',');
      return {
        label: 'decoy then valid',
        headers: { ...valid, [header]: [t, `${version}=${DECOY_HEX}`, ...rest].join(',') },
      };
    }
    case 'standard': {
      const key = standardKey(secretForDecoy) ?? Buffer.alloc(24, 1);
      const decoy = hmacSha256(key, 'decoy').toString('base64');
      return {
        label: 'decoys then valid',
        headers: {
          ...valid,
          'webhook-signature': `v1,${decoy} v1a,${DECOY_BASE64} ${valid['webhook-signature']}`,
        },
      };
    }
    default:
      return undefined;
  }
}

/** The same JSON with keys in reverse order and indented: different bytes, same meaning. */
export function reformatted(payload: unknown): string {
  const reorder = (value: unknown): unknown => {
    if (Array.isArray(value)) return value.map(reorder);
    if (value && typeof value === 'object') {
      return Object.fromEntries(
        Object.keys(value)
          .reverse()
          .map((k) => [k, reorder((value as Record<string, unknown>)[k])]),
      );
    }
    return value;
  };
  return JSON.stringify(reorder(payload), null, 2);
}
