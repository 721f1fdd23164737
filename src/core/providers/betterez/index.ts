import { timestampedHexScheme } from '../../schemes/hex.js';
import { MES_SCHEDULE } from '../mes/index.js';
import { envelopeOf, eventName, nonEmpty, record } from '../shared.js';
import { SECOND_MS, stringField, unixSeconds, type Provider, type ProviderPlace } from '../types.js';

const schedule = { ...MES_SCHEDULE, name: 'betterez' };

const provider: Provider = {
  id: 'betterez',
  name: 'Betterez',
  scheme: 'betterez',
  deadlineMs: 10 * SECOND_MS,
  schedule,
  envelope: envelopeOf({
    type: 'object',
    properties: {
      id: nonEmpty,
      attemptId: nonEmpty,
      created: { type: 'integer', exclusiveMinimum: 0 },
      event: eventName,
      data: record,
      livemode: { type: 'boolean' },
    },
    required: ['id', 'attemptId', 'created', 'event', 'data', 'livemode'],
  }),
  matches: (p) => typeof p.event === 'string' && typeof p.attemptId === 'string',
  eventType: (p) => stringField(p, 'event'),
  eventId: (p) => stringField(p, 'id'),
  freshen: (p, f) => ({ ...p, attemptId: f.uuid(), created: unixSeconds(f.now), id: f.uuid() }),
  // Betterez keeps the event id and gives each attempt its own attemptId.
  redeliveredPayload: (p, f) => ({ ...p, attemptId: f.uuid() }),
};

export const betterez: ProviderPlace = {
  id: 'betterez',
  provider,
  scheme: timestampedHexScheme(
    'betterez',
    'x-btrz-signature',
    's2',
    'x-btrz-signature: t=<unix s>,s2=<hex HMAC-SHA256 of "<t>.<body>">',
    {
      // Betterez leaves the tolerance to the receiver; its Stripe-style header is checked for age only.
      toleranceSec: 300,
      direction: 'age',
      timestampRule: { stale: 'advised', future: 'none', source: "Betterez's document" },
      // "use JSON.stringify with your payload object": the document re-serializes the parsed body.
      rawBody: {
        demand: 'reserialized',
        source: "Betterez's document (JSON.stringify of the payload object)",
      },
    },
  ),
  schedule,
  lifecycle: ['operationmessage.created', 'operationmessage.updated'],
};
