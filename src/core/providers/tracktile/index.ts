import { timestampedHexScheme } from '../../schemes/hex.js';
import { MES_SCHEDULE } from '../mes/index.js';
import { compactHex, envelopeOf, eventName, isoTime, nonEmpty } from '../shared.js';
import type { JsonSchema } from '../../../schema/types.js';
import { SECOND_MS, isoSeconds, stringField, type Provider, type ProviderPlace } from '../types.js';

const node: JsonSchema = {
  type: 'object',
  properties: {
    id: { type: 'string' },
    name: { type: 'string' },
    type: { enum: ['stage', 'container', 'bundle'] },
  },
  required: ['id', 'name', 'type'],
};

const schedule = { ...MES_SCHEDULE, name: 'tracktile' };

const provider: Provider = {
  id: 'tracktile',
  name: 'Tracktile',
  scheme: 'tracktile',
  deadlineMs: 10 * SECOND_MS,
  schedule,
  envelope: envelopeOf({
    type: 'object',
    properties: {
      id: nonEmpty,
      kind: eventName,
      time: isoTime,
      transactionId: nonEmpty,
      flowId: nonEmpty,
      node,
      from: node,
      to: node,
    },
    required: ['id', 'kind', 'time', 'transactionId', 'flowId'],
  }),
  matches: (p) => typeof p.kind === 'string' && typeof p.transactionId === 'string',
  eventType: (p) => stringField(p, 'kind'),
  eventId: (p) => stringField(p, 'id'),
  freshen: (p, f) => ({
    ...p,
    id: f.uuid(),
    time: isoSeconds(f.now),
    transactionId: `txn_${compactHex(f.uuid(), 12)}`,
  }),
};

export const tracktile: ProviderPlace = {
  id: 'tracktile',
  provider,
  scheme: timestampedHexScheme(
    'tracktile',
    'x-tracktile-signature',
    'v1',
    'X-Tracktile-Signature: t=<unix s>,v1=<hex HMAC-SHA256 of "<t>.<body>">',
    {
      // Tracktile's sample refuses a timestamp more than 5 minutes off either way, over the raw body.
      toleranceSec: 300,
      direction: 'both',
      timestampRule: { stale: 'required', future: 'required', source: "Tracktile's sample" },
      rawBody: { demand: 'required', source: 'Tracktile\'s sample (HMAC of "<t>.<raw body>")' },
    },
  ),
  schedule,
  lifecycle: ['inventory.received', 'inventory.moved', 'inventory.destroyed'],
};
