// Writes test-vectors.json: for every scheme, valid and invalid signed deliveries that receivers in
// any language can test against. Run after `npm run build`; the file is committed and shipped, and
// a test proves the schemes still agree with it.
import { writeFileSync } from 'node:fs';
import { sign } from '../dist/index.js';

const NOW = 1767225600; // 2026-01-01T00:00:00Z
const body =
  '{"id":"evt-0a1b2c3d4e5f60718293","type":"work_order.created","timestamp":"2026-01-01T00:00:00Z","data":{"workOrder":{"id":"wo-123","quantity":100}}}';
const secrets = {
  mes: 'mes-test-secret',
  katana: 'katana-test-token',
  tracktile: 'tracktile-test-secret',
  betterez: 'btrz-test-secret',
  standard: 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw',
};
const vectors = [];
const optional = [];
for (const [scheme, secret] of Object.entries(secrets)) {
  const headers = sign(scheme, {
    secret,
    body,
    timestamp: NOW,
    messageId: 'msg_2KWPBgLlAfxdpx2AI54pPJ85f4W',
  });
  const base = {
    scheme,
    secret,
    body,
    timestamp: NOW,
    now: NOW,
    messageId: 'msg_2KWPBgLlAfxdpx2AI54pPJ85f4W',
  };
  const [name] = Object.keys(headers).filter((h) => h !== 'webhook-id' && h !== 'webhook-timestamp');
  vectors.push({ ...base, name: 'valid', headers, valid: true });
  vectors.push({
    ...base,
    name: 'wrong secret',
    secret: `${secret}x`.replace(/^whsec_.*$/, 'whsec_dGhlLXdyb25nLWtleS1mb3ItdGVzdHM='),
    headers,
    valid: false,
  });
  vectors.push({
    ...base,
    name: 'body changed after signing',
    body: body.replace('100', '101'),
    headers,
    valid: false,
  });
  // MES's and Betterez's documents re-serialize the parsed body, so a receiver written from them
  // accepts a re-formatted body: rejecting it is the tool's stricter verdict, not a requirement.
  const reserializes = scheme === 'mes' || scheme === 'betterez';
  (reserializes ? optional : vectors).push({
    ...base,
    name: 'body re-formatted after signing',
    body: JSON.stringify(JSON.parse(body), null, 2),
    headers,
    valid: false,
    ...(reserializes && {
      why: 'the vendor document re-serializes the parsed body (JSON.stringify), which accepts this; a raw-bytes verifier rejects it',
    }),
  });
  const value = headers[name];
  vectors.push({
    ...base,
    name: 'truncated signature',
    headers: { ...headers, [name]: value.slice(0, value.length - 8) },
    valid: false,
  });
  if (scheme === 'mes' || scheme === 'katana') {
    optional.push({
      ...base,
      name: 'sha256= prefix is accepted',
      headers: { ...headers, [name]: `sha256=${value}` },
      valid: true,
      why: 'a tolerance of the tool; the vendor document compares the bare hex digest',
    });
  } else if (scheme === 'betterez') {
    // Betterez leaves the tolerance to the receiver; the tool checks age only, as Stripe-style verifiers do.
    vectors.push({ ...base, name: 'within tolerance (4 minutes)', now: NOW + 240, headers, valid: true });
    optional.push({
      ...base,
      name: 'timestamp 6 minutes old',
      now: NOW + 360,
      headers,
      valid: false,
      why: "the document leaves the tolerance to the receiver; the tool refuses over 5 minutes' age",
    });
    optional.push({
      ...base,
      name: 'timestamp 6 minutes ahead',
      now: NOW - 360,
      headers,
      valid: true,
      why: 'the tool limits only age (Stripe-style); a receiver may refuse future timestamps too',
    });
  } else {
    vectors.push({ ...base, name: 'timestamp 6 minutes old', now: NOW + 360, headers, valid: false });
    vectors.push({ ...base, name: 'timestamp 6 minutes ahead', now: NOW - 360, headers, valid: false });
    vectors.push({ ...base, name: 'within tolerance (4 minutes)', now: NOW + 240, headers, valid: true });
  }
}
vectors.push({
  scheme: 'standard',
  name: 'Standard Webhooks published vector',
  secret: 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw',
  body: '{"test": 2432232314}',
  timestamp: 1614265330,
  now: 1614265330,
  messageId: 'msg_p5jXN8AQM9LWM0D4loKWxJek',
  headers: {
    'webhook-id': 'msg_p5jXN8AQM9LWM0D4loKWxJek',
    'webhook-timestamp': '1614265330',
    'webhook-signature': 'v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=',
  },
  valid: true,
});
const file = {
  description:
    'Signed webhook deliveries for the mes, katana, tracktile, betterez and standard schemes. For each of `vectors` (required): with `secret`, a receiver given `body` (exact bytes, UTF-8) and `headers`, checking at unix time `now`, must accept it when `valid` is true and reject it otherwise; a receiver written faithfully from the vendor document passes every one. Tracktile and standard use a 5-minute tolerance both ways. `optional` holds tolerance vectors: `valid` is what the tool decides, `why` says where a faithful receiver may differ. Valid vectors are also what signing `body` at `timestamp` (with `messageId` for standard) must produce.',
  version: 2,
  vectors,
  optional,
};
writeFileSync(new URL('../test-vectors.json', import.meta.url), `${JSON.stringify(file, null, 2)}\n`);
console.log(`${vectors.length} required and ${optional.length} optional vectors`);
