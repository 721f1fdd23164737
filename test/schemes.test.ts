import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { SCHEMES, SCHEME_IDS, sign, verify, type SchemeId } from '../src/core/schemes/index.js';

const NOW = 1_700_000_000;
const SECRET = 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw';

describe('Standard Webhooks published test vector', () => {
  const vector = {
    secret: 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw',
    id: 'msg_p5jXN8AQM9LWM0D4loKWxJek',
    timestamp: 1614265330,
    body: '{"test": 2432232314}',
    signature: 'v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=',
  };
  const headers = (signature: string) => ({
    'webhook-id': vector.id,
    'webhook-timestamp': String(vector.timestamp),
    'webhook-signature': signature,
  });

  it('signs to the published signature', () => {
    const signed = sign('standard', {
      secret: vector.secret,
      body: vector.body,
      timestamp: vector.timestamp,
      messageId: vector.id,
    });
    expect(signed['webhook-signature']).toBe(vector.signature);
  });

  it('verifies the published signature at its own time', () => {
    const result = verify('standard', {
      secret: vector.secret,
      body: vector.body,
      headers: headers(vector.signature),
      now: vector.timestamp,
    });
    expect(result).toMatchObject({ ok: true, verdict: 'valid' });
  });

  it('rejects the vector with its last base64 character changed', () => {
    const changed = vector.signature.slice(0, -2) + 'F=';
    const result = verify('standard', {
      secret: vector.secret,
      body: vector.body,
      headers: headers(changed),
      now: vector.timestamp,
    });
    expect(result.ok).toBe(false);
  });

  it('rejects v2 in place of v1', () => {
    const result = verify('standard', {
      secret: vector.secret,
      body: vector.body,
      headers: headers(vector.signature.replace('v1,', 'v2,')),
      now: vector.timestamp,
    });
    expect(result).toMatchObject({ ok: false, verdict: 'invalid' });
  });

  it('accepts one valid signature among several (key rotation)', () => {
    const list = `v1,Zm9vYmFyYmF6cXV4Zm9vYmFyYmF6cXV4Zm9vYmFyYmE= v2,abc ${vector.signature}`;
    expect(
      verify('standard', {
        secret: vector.secret,
        body: vector.body,
        headers: headers(list),
        now: vector.timestamp,
      }).ok,
    ).toBe(true);
  });

  it('rejects a timestamp outside five minutes, either way', () => {
    const base = { secret: vector.secret, body: vector.body, headers: headers(vector.signature) };
    expect(verify('standard', { ...base, now: vector.timestamp + 301 }).reason).toMatch(/old/);
    expect(verify('standard', { ...base, now: vector.timestamp - 301 }).reason).toMatch(/future/);
    expect(verify('standard', { ...base, now: vector.timestamp + 299 }).ok).toBe(true);
  });
});

describe('the hex schemes', () => {
  it.each([
    ['mes', 'x-mes-signature'],
    ['katana', 'x-sha2-signature'],
  ] as const)('%s signs the raw body as lowercase hex in %s', (scheme, header) => {
    const signed = sign(scheme, { secret: 'shh', body: '{"a":1}', timestamp: NOW, messageId: 'm' });
    // HMAC-SHA256("shh", '{"a":1}') computed independently.
    expect(signed[header]).toMatch(/^[0-9a-f]{64}$/);
    expect(verify(scheme, { secret: 'shh', body: '{"a":1}', headers: signed, now: NOW }).ok).toBe(true);
    expect(
      verify(scheme, {
        secret: 'shh',
        body: '{"a":1}',
        headers: { [header]: `sha256=${signed[header]}` },
        now: NOW,
      }).ok,
    ).toBe(true);
    expect(
      verify(scheme, {
        secret: 'shh',
        body: '{"a":1}',
        headers: { [header.toUpperCase()]: signed[header]!.toUpperCase() },
        now: NOW,
      }).ok,
    ).toBe(true);
  });

  it('matches an independently computed signature', () => {
    // printf '{"a":1}' | openssl dgst -sha256 -hmac shh
    const expected = 'dfb8cf3fc9778c70386e30f5e0776d37f9ee9c8756d3cbd7df0902150644358d';
    expect(
      sign('mes', { secret: 'shh', body: '{"a":1}', timestamp: 0, messageId: '' })['x-mes-signature'],
    ).toBe(expected);
    expect(
      sign('katana', { secret: 'shh', body: Buffer.from('{"a":1}'), timestamp: 0, messageId: '' })[
        'x-sha2-signature'
      ],
    ).toBe(expected);
  });
});

describe('the timestamped schemes', () => {
  it.each([
    ['tracktile', 'x-tracktile-signature', 'v1'],
    ['betterez', 'x-btrz-signature', 's2'],
  ] as const)('%s writes t=<unix>,%s... and checks the tolerance', (scheme, header, version) => {
    const signed = sign(scheme, { secret: 'k', body: '{}', timestamp: NOW, messageId: '' });
    expect(signed[header]).toMatch(new RegExp(`^t=${NOW},${version}=[0-9a-f]{64}$`));
    expect(verify(scheme, { secret: 'k', body: '{}', headers: signed, now: NOW + 10 }).ok).toBe(true);
    expect(verify(scheme, { secret: 'k', body: '{}', headers: signed, now: NOW + 301 })).toMatchObject({
      ok: false,
      verdict: 'invalid',
    });
    expect(
      verify(scheme, { secret: 'k', body: '{}', headers: signed, now: NOW + 3600, toleranceSec: null }).ok,
    ).toBe(true);
  });
});

describe('malformed headers give a reason, never an exception', () => {
  const body = '{"x":1}';
  const cases: [SchemeId, Record<string, string>, RegExp][] = [
    ['mes', {}, /no x-mes-signature/],
    ['mes', { 'x-mes-signature': 'abc' }, /64-character hex/],
    ['mes', { 'x-mes-signature': 'z'.repeat(64) }, /hex/],
    ['katana', { 'x-sha2-signature': '' }, /hex/],
    ['tracktile', { 'x-tracktile-signature': 'v1=abcd' }, /no t=/],
    ['tracktile', { 'x-tracktile-signature': 't=12x4,v1=abcd' }, /not unix seconds/],
    ['tracktile', { 'x-tracktile-signature': `t=${NOW}` }, /no v1=/],
    ['tracktile', { 'x-tracktile-signature': `t=${NOW},v0=${'a'.repeat(64)}` }, /no v1=/],
    ['betterez', { 'x-btrz-signature': `t=${NOW},s2=${'a'.repeat(63)}` }, /does not match/],
    ['betterez', { 'x-btrz-signature': ',,,===' }, /no t=/],
    ['standard', { 'webhook-signature': 'v1,abc' }, /no webhook-id/],
    ['standard', { 'webhook-signature': 'v1,abc', 'webhook-id': 'm' }, /no webhook-timestamp/],
    [
      'standard',
      { 'webhook-signature': 'v1,abc', 'webhook-id': 'm', 'webhook-timestamp': '1e9' },
      /not unix seconds/,
    ],
    [
      'standard',
      { 'webhook-signature': 'v1,!!notbase64', 'webhook-id': 'm', 'webhook-timestamp': String(NOW) },
      /no v1 signature matches/,
    ],
    [
      'standard',
      { 'webhook-signature': 'garbage', 'webhook-id': 'm', 'webhook-timestamp': String(NOW) },
      /no v1,/,
    ],
  ];
  it.each(cases)('%s %j', (scheme, headers, reason) => {
    const result = verify(scheme, { secret: SECRET, body, headers, now: NOW });
    expect(result.ok).toBe(false);
    expect(result.reason).toMatch(reason);
  });

  it('never throws on arbitrary header values', () => {
    fc.assert(
      fc.property(fc.constantFrom(...SCHEME_IDS), fc.string(), fc.string(), (scheme, value, ts) => {
        const headers: Record<string, string> = {};
        for (const name of SCHEMES[scheme].headers) headers[name] = value;
        headers['webhook-timestamp'] = ts;
        const result = verify(scheme, { secret: SECRET, body: 'b', headers, now: NOW });
        return typeof result.reason === 'string' && result.ok === false;
      }),
    );
  });

  it('says the secret is wrong for a standard secret that is not base64', () => {
    const signed = sign('standard', { secret: SECRET, body, timestamp: NOW, messageId: 'm' });
    expect(verify('standard', { secret: 'not base64!', body, headers: signed, now: NOW }).reason).toMatch(
      /whsec_/,
    );
  });
});

describe('properties of every scheme', () => {
  const secretArb = fc.oneof(
    fc.string({ minLength: 1 }),
    fc.uint8Array({ minLength: 1, maxLength: 40 }).map((b) => `whsec_${Buffer.from(b).toString('base64')}`),
  );

  it('verify(sign(x)) holds, and any one-byte change of the body breaks it', () => {
    fc.assert(
      fc.property(
        fc.constantFrom(...SCHEME_IDS),
        secretArb,
        fc.uint8Array({ minLength: 1, maxLength: 300 }),
        fc.integer({ min: 1, max: 4_000_000_000 }),
        fc.nat(),
        fc.integer({ min: 1, max: 255 }),
        (scheme, rawSecret, body, timestamp, at, flip) => {
          const secret =
            scheme === 'standard' && !rawSecret.startsWith('whsec_')
              ? `whsec_${Buffer.from(rawSecret).toString('base64')}`
              : rawSecret;
          const headers = sign(scheme, { secret, body, timestamp, messageId: 'msg_1' });
          if (!verify(scheme, { secret, body, headers, now: timestamp }).ok) return false;
          const changed = Uint8Array.from(body);
          const index = at % changed.length;
          changed[index] = changed[index]! ^ flip;
          return !verify(scheme, { secret, body: changed, headers, now: timestamp }).ok;
        },
      ),
      { numRuns: 300 },
    );
  });

  it('a different secret never verifies', () => {
    fc.assert(
      fc.property(
        fc.constantFrom(...SCHEME_IDS),
        fc.uint8Array({ minLength: 8, maxLength: 32 }),
        fc.uint8Array({ minLength: 8, maxLength: 32 }),
        (scheme, a, b) => {
          fc.pre(!Buffer.from(a).equals(Buffer.from(b)));
          const s1 = `whsec_${Buffer.from(a).toString('base64')}`;
          const s2 = `whsec_${Buffer.from(b).toString('base64')}`;
          const headers = sign(scheme, { secret: s1, body: '{}', timestamp: NOW, messageId: 'm' });
          return !verify(scheme, { secret: s2, body: '{}', headers, now: NOW }).ok;
        },
      ),
    );
  });
});
