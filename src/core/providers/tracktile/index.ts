import { z } from '../../zod.js';
import { timestampedHexScheme } from '../../schemes/hex.js';
import { MES_SCHEDULE } from '../mes/index.js';
import { compactHex, eventName, isoTime } from '../shared.js';
import { SECOND_MS, isoSeconds, stringField, type Provider, type ProviderPlace } from '../types.js';

const node = z.looseObject({
  id: z.string(),
  name: z.string(),
  type: z.enum(['stage', 'container', 'bundle']),
});

const schedule = { ...MES_SCHEDULE, name: 'tracktile' };

const provider: Provider = {
  id: 'tracktile',
  name: 'Tracktile',
  scheme: 'tracktile',
  deadlineMs: 10 * SECOND_MS,
  schedule,
  envelope: z.looseObject({
    id: z.string().min(1),
    kind: eventName,
    time: isoTime,
    transactionId: z.string().min(1),
    flowId: z.string().min(1),
    node: node.optional(),
    from: node.optional(),
    to: node.optional(),
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
