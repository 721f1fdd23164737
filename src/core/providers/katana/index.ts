import { rawBodyHexScheme } from '../../schemes/hex.js';
import { envelopeOf, eventName, nonEmpty, numberOrText } from '../shared.js';
import {
  MINUTE_MS,
  SECOND_MS,
  stringField,
  type Provider,
  type ProviderPlace,
  type Schedule,
} from '../types.js';

export const KATANA_SCHEDULE: Schedule = {
  name: 'katana',
  delaysMs: [0, 30 * SECOND_MS, 2 * MINUTE_MS, 15 * MINUTE_MS],
};

const provider: Provider = {
  id: 'katana',
  name: 'Katana MRP',
  scheme: 'katana',
  deadlineMs: 10 * SECOND_MS,
  schedule: KATANA_SCHEDULE,
  envelope: envelopeOf({
    type: 'object',
    properties: {
      resource_type: { type: 'string', pattern: '^[a-z_]+$' },
      action: eventName,
      webhook_id: numberOrText,
      object: {
        type: 'object',
        properties: { id: numberOrText, status: nonEmpty, href: { type: 'string', format: 'uri' } },
        required: ['id', 'status'],
      },
    },
    required: ['resource_type', 'action', 'webhook_id', 'object'],
  }),
  matches: (p) => typeof p.action === 'string' && typeof p.resource_type === 'string',
  eventType: (p) => stringField(p, 'action'),
  // Katana's events carry no id of their own.
  eventId: () => undefined,
  freshen: (p) => ({ ...p }),
  retryHeaders: (retry) => ({ 'x-katana-retry-num': String(retry) }),
};

export const katana: ProviderPlace = {
  id: 'katana',
  provider,
  scheme: rawBodyHexScheme(
    'katana',
    'x-sha2-signature',
    'x-sha2-signature: hex HMAC-SHA256 of the raw body',
    {
      demand: 'required',
      source: "Katana's guide (HMAC of the request body as received)",
    },
  ),
  schedule: KATANA_SCHEDULE,
  lifecycle: ['sales_order.created', 'sales_order.packed', 'sales_order.delivered'],
};
