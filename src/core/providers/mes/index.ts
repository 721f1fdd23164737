import { rawBodyHexScheme } from '../../schemes/hex.js';
import {
  DAY_MS,
  MINUTE_MS,
  SECOND_MS,
  isoSeconds,
  stringField,
  type Provider,
  type ProviderPlace,
  type Schedule,
} from '../types.js';
import { compactHex, envelopeOf, eventName, isoTime, nonEmpty, record } from '../shared.js';

export const MES_SCHEDULE: Schedule = {
  name: 'mes',
  delaysMs: [0, 5 * SECOND_MS, 30 * SECOND_MS, 5 * MINUTE_MS, 30 * MINUTE_MS],
  thereafter: { everyMs: DAY_MS, count: 7 },
};

const provider: Provider = {
  id: 'mes',
  name: 'MES',
  scheme: 'mes',
  deadlineMs: 5 * SECOND_MS,
  schedule: MES_SCHEDULE,
  envelope: envelopeOf({
    type: 'object',
    properties: { id: nonEmpty, type: eventName, timestamp: isoTime, data: record },
    required: ['id', 'type', 'timestamp', 'data'],
  }),
  matches: (p) => typeof p.type === 'string' && typeof p.data === 'object' && p.data !== null,
  eventType: (p) => stringField(p, 'type'),
  eventId: (p) => stringField(p, 'id'),
  freshen: (p, f) => ({ ...p, id: `evt-${compactHex(f.uuid(), 20)}`, timestamp: isoSeconds(f.now) }),
};

export const mes: ProviderPlace = {
  id: 'mes',
  provider,
  scheme: rawBodyHexScheme('mes', 'x-mes-signature', 'x-mes-signature: hex HMAC-SHA256 of the body', {
    // The MES overview's sample hashes JSON.stringify(req.body), the parsed body serialized again.
    demand: 'reserialized',
    source: "the MES overview's sample (HMAC of JSON.stringify(req.body))",
  }),
  schedule: MES_SCHEDULE,
  lifecycle: ['work_order.created', 'work_order.started', 'work_order.completed'],
};
