import { envelopeOf, nonEmpty } from './shared.js';
import { isoSeconds, unixSeconds, type Payload, type Provider, type Schedule } from './types.js';

/** A provider declared as data in a config file: where its envelope keeps event type, id and time. */
export interface CustomProviderDef {
  id: string;
  name: string;
  scheme: string;
  eventField: string;
  idField?: string;
  timestampField?: string;
  timestampFormat: 'iso' | 'unix';
  deadlineMs: number;
  schedule: Schedule;
  /** Its events' JSON Schemas by event type (the config's schema folder). */
  schemas?: Readonly<Record<string, object>>;
}

export function customProvider(def: CustomProviderDef): Provider {
  return {
    id: def.id,
    name: def.name,
    scheme: def.scheme,
    deadlineMs: def.deadlineMs,
    schedule: def.schedule,
    ...(def.schemas ? { schemas: def.schemas } : {}),
    envelope: envelopeOf({
      type: 'object',
      properties: { [def.eventField]: nonEmpty },
      required: [def.eventField],
    }),
    matches: (p) => typeof p[def.eventField] === 'string',
    eventType: (p) => (typeof p[def.eventField] === 'string' ? (p[def.eventField] as string) : undefined),
    eventId: (p) =>
      def.idField && typeof p[def.idField] === 'string' ? (p[def.idField] as string) : undefined,
    freshen(p, fresh) {
      const out: Payload = { ...p };
      if (def.idField) out[def.idField] = `evt_${fresh.uuid().replace(/-/g, '')}`;
      if (def.timestampField)
        out[def.timestampField] =
          def.timestampFormat === 'unix' ? unixSeconds(fresh.now) : isoSeconds(fresh.now);
      return out;
    },
  };
}
