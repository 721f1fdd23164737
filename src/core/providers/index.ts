import { z } from 'zod';
import {
  DAY_MS,
  HOUR_MS,
  MINUTE_MS,
  SECOND_MS,
  isoSeconds,
  stringField,
  unixSeconds,
  type Provider,
  type Schedule,
} from './types.js';

export * from './types.js';

const eventName = z.string().regex(/^[a-z_]+(\.[a-z_]+)+$/, 'an event name such as work_order.created');
const isoTime = z.iso.datetime({ offset: true });
const compactHex = (uuid: string, length: number) => uuid.replace(/-/g, '').slice(0, length);

export const MES_SCHEDULE: Schedule = {
  name: 'mes',
  delaysMs: [0, 5 * SECOND_MS, 30 * SECOND_MS, 5 * MINUTE_MS, 30 * MINUTE_MS],
  thereafter: { everyMs: DAY_MS, count: 7 },
};

export const KATANA_SCHEDULE: Schedule = {
  name: 'katana',
  delaysMs: [0, 30 * SECOND_MS, 2 * MINUTE_MS, 15 * MINUTE_MS],
};

export const STANDARD_SCHEDULE: Schedule = {
  name: 'standard',
  delaysMs: [
    0,
    5 * SECOND_MS,
    5 * MINUTE_MS,
    30 * MINUTE_MS,
    2 * HOUR_MS,
    5 * HOUR_MS,
    10 * HOUR_MS,
    14 * HOUR_MS,
    20 * HOUR_MS,
    24 * HOUR_MS,
  ],
};

const mes: Provider = {
  id: 'mes',
  name: 'MES',
  scheme: 'mes',
  deadlineMs: 5 * SECOND_MS,
  schedule: MES_SCHEDULE,
  envelope: z.looseObject({
    id: z.string().min(1),
    type: eventName,
    timestamp: isoTime,
    data: z.record(z.string(), z.unknown()),
  }),
  matches: (p) => typeof p.type === 'string' && typeof p.data === 'object' && p.data !== null,
  eventType: (p) => stringField(p, 'type'),
  eventId: (p) => stringField(p, 'id'),
  freshen: (p, f) => ({ ...p, id: `evt-${compactHex(f.uuid(), 20)}`, timestamp: isoSeconds(f.now) }),
};

const tracktileNode = z.looseObject({
  id: z.string(),
  name: z.string(),
  type: z.enum(['stage', 'container', 'bundle']),
});

const tracktile: Provider = {
  id: 'tracktile',
  name: 'Tracktile',
  scheme: 'tracktile',
  deadlineMs: 10 * SECOND_MS,
  schedule: { ...MES_SCHEDULE, name: 'tracktile' },
  envelope: z.looseObject({
    id: z.string().min(1),
    kind: eventName,
    time: isoTime,
    transactionId: z.string().min(1),
    flowId: z.string().min(1),
    node: tracktileNode.optional(),
    from: tracktileNode.optional(),
    to: tracktileNode.optional(),
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

const betterez: Provider = {
  id: 'betterez',
  name: 'Betterez',
  scheme: 'betterez',
  deadlineMs: 10 * SECOND_MS,
  schedule: { ...MES_SCHEDULE, name: 'betterez' },
  envelope: z.looseObject({
    id: z.string().min(1),
    attemptId: z.string().min(1),
    created: z.number().int().positive(),
    event: eventName,
    data: z.record(z.string(), z.unknown()),
    livemode: z.boolean(),
  }),
  matches: (p) => typeof p.event === 'string' && typeof p.attemptId === 'string',
  eventType: (p) => stringField(p, 'event'),
  eventId: (p) => stringField(p, 'id'),
  freshen: (p, f) => ({ ...p, attemptId: f.uuid(), created: unixSeconds(f.now), id: f.uuid() }),
  // Betterez keeps the event id and gives each attempt its own attemptId.
  redeliveredPayload: (p, f) => ({ ...p, attemptId: f.uuid() }),
};

const katana: Provider = {
  id: 'katana',
  name: 'Katana MRP',
  scheme: 'katana',
  deadlineMs: 10 * SECOND_MS,
  schedule: KATANA_SCHEDULE,
  envelope: z.looseObject({
    resource_type: z.string().regex(/^[a-z_]+$/),
    action: eventName,
    webhook_id: z.union([z.number().int(), z.string().min(1)]),
    object: z.looseObject({
      id: z.union([z.number().int(), z.string().min(1)]),
      status: z.string().min(1),
      href: z.url().optional(),
    }),
  }),
  matches: (p) => typeof p.action === 'string' && typeof p.resource_type === 'string',
  eventType: (p) => stringField(p, 'action'),
  // Katana's events carry no id of their own.
  eventId: () => undefined,
  freshen: (p) => ({ ...p }),
  retryHeaders: (retry) => ({ 'x-katana-retry-num': String(retry) }),
};

/** The built-in providers, then any a config file declares. */
export const PROVIDERS: Provider[] = [mes, tracktile, betterez, katana];

/** Adds a provider (declared in a config file); one with the same id is replaced. */
export function registerProvider(provider: Provider): void {
  const index = PROVIDERS.findIndex((p) => p.id === provider.id);
  if (index >= 0) PROVIDERS[index] = provider;
  else PROVIDERS.push(provider);
}

export function findProvider(id: string): Provider | undefined {
  return PROVIDERS.find((p) => p.id === id);
}

/**
 * The provider whose envelope a parsed body has, if any. Where several match loosely (a declared
 * provider keyed on `type` matches MES bodies too), the first whose whole envelope fits wins.
 */
export function detectProvider(payload: unknown): Provider | undefined {
  if (typeof payload !== 'object' || payload === null || Array.isArray(payload)) return undefined;
  const candidates = PROVIDERS.filter((p) => p.matches(payload as Record<string, unknown>));
  if (candidates.length <= 1) return candidates[0];
  return candidates.find((p) => p.envelope.safeParse(payload).success) ?? candidates[0];
}
