import { bodyBytes, type DeliveryRecord } from '../delivery.js';
import type { FixtureFile } from '../catalog.js';
import type { Payload, Provider } from '../providers/types.js';
import type { Registry } from '../registry.js';
import { isObject, leaves } from './pointer.js';
import { redact, type Faker, type Redaction } from './redact.js';

/** One logged delivery made ready to write: its event, payload (redacted) and what is fresh. */
export interface CapturedDelivery {
  deliveryId: string;
  at: string;
  provider: string;
  event: string;
  /** The payload as received, before redaction (for the drift report). */
  received: Payload;
  /** The payload after redaction: what the fixture and scenario hold. */
  payload: Payload;
  /** Pointers the provider gives new values on every send. */
  fresh: string[];
  redacted: Redaction['redacted'];
}

/** Why a logged delivery cannot be captured: a plain sentence for the user. */
export class CaptureRefusal extends Error {}

const PROBES = [
  { now: new Date('2001-01-01T00:00:00Z'), uuid: () => '11111111-1111-4111-8111-111111111111' },
  { now: new Date('2002-02-02T02:02:02Z'), uuid: () => '22222222-2222-4222-8222-222222222222' },
];

/**
 * The pointers a provider freshens, found by freshening the payload twice with different clocks
 * and ids: whatever differs is the provider's to renew, whatever its id and time formats are.
 */
export function freshPointers(provider: Provider, payload: Payload): string[] {
  const [a, b] = PROBES.map(
    (f) => new Map(leaves(provider.freshen(payload, f)).map((l) => [l.pointer, l.value])),
  );
  const fresh = [...a!.keys()].filter((p) => JSON.stringify(a!.get(p)) !== JSON.stringify(b!.get(p)));
  return fresh.sort();
}

/** The provider of a received body: the one the log names, else the first whose envelope fits. */
function providerFor(record: DeliveryRecord, payload: Payload, registry: Registry): Provider | undefined {
  const named = record.provider ? registry.provider(record.provider) : undefined;
  if (named) return named;
  return registry.providers.find((provider) => provider.matches(payload));
}

export function captureDelivery(
  record: DeliveryRecord,
  registry: Registry,
  redactPointers: readonly string[],
  faker: Faker,
): CapturedDelivery {
  const id = record.deliveryId;
  if (record.direction !== 'received')
    throw new CaptureRefusal(
      `${id} is a delivery this tool sent, not one it received; capture takes what listen received`,
    );
  if (record.request.bodyEncoding === 'base64')
    throw new CaptureRefusal(`${id}: the body is binary, not JSON`);
  let payload: unknown;
  try {
    payload = JSON.parse(bodyBytes(record.request).toString('utf8'));
  } catch (error) {
    throw new CaptureRefusal(`${id}: the body is not JSON (${(error as Error).message})`);
  }
  if (!isObject(payload)) throw new CaptureRefusal(`${id}: the body is JSON but not an object`);
  const provider = providerFor(record, payload, registry);
  if (!provider) throw new CaptureRefusal(`${id}: no provider's envelope fits the body`);
  const event = provider.eventType(payload) ?? record.event;
  if (!event) throw new CaptureRefusal(`${id}: the body names no event type`);
  // The event names the fixture file: nothing that could leave the provider's folder.
  if (!/^[A-Za-z0-9_][\w.:-]*$/.test(event) || event.includes('..'))
    throw new CaptureRefusal(`${id}: the event type ${JSON.stringify(event)} cannot name a fixture file`);
  const redaction = redact(payload, redactPointers, faker);
  return {
    deliveryId: id,
    at: record.at,
    provider: provider.id,
    event,
    received: payload,
    payload: redaction.payload as Payload,
    fresh: freshPointers(provider, payload),
    redacted: redaction.redacted,
  };
}

/** The fixture file for a captured delivery, in the built-in format plus its `fresh` marks. */
export function fixtureFor(captured: CapturedDelivery, description: string): FixtureFile {
  return {
    event: captured.event,
    description,
    source: `captured from delivery ${captured.deliveryId} received at ${captured.at}`,
    ...(captured.fresh.length > 0 ? { fresh: captured.fresh } : {}),
    payload: captured.payload,
  };
}
