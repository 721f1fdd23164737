import { randomUUID } from 'node:crypto';
import type { EventDef } from '../core/catalog.js';
import { buildEvent, deliveryHeaders, providerOf, type BuiltEvent } from '../core/build.js';
import type { Freshness } from '../core/providers/types.js';
import { registryOf } from '../io/config.js';
import type { Context } from '../ui/context.js';
import { USER_AGENT } from '../version.js';
import type { EventSettings } from './common.js';
import { signedEvent, type SignedEvent } from './signed.js';

/** What a load run sends of an event: its exact body, its id, and its signed headers. */
export interface LoadEvent extends Pick<SignedEvent, 'body' | 'eventId' | 'scheme' | 'headers'> {
  /** The body as it reads inside a JSON string, when a template had it at hand. */
  bodyJson?: string;
}

/** Where a fresh uuid goes in a text: whole, or as the first `length` digits of its hex. */
interface Slot {
  uuid: number;
  length: number;
  dashed: boolean;
}

/** A text with its fresh ids cut out: `parts` around `slots`, one more part than slots. */
export interface SlottedText {
  parts: string[];
  /** The parts as they read inside a JSON string: ids need no escaping, so the whole is their sum. */
  escaped: string[];
  slots: Slot[];
}

/** One event's body and id within one second, with slots for the ids freshen draws. */
export interface EventTemplate {
  /** The unix second the timestamps in `parts` were written for. */
  second: number;
  /** How many uuids freshen draws, in order. */
  uuids: number;
  body: SlottedText;
  eventId: SlottedText | undefined;
}

/** A uuid's 32 hex digits, without its dashes. */
const hexOf = (uuid: string) =>
  uuid.length === 36
    ? uuid.slice(0, 8) + uuid.slice(9, 13) + uuid.slice(14, 18) + uuid.slice(19, 23) + uuid.slice(24)
    : uuid.replace(/-/g, '');
/** Shorter runs of a uuid's hex are not looked for: they could be anything. */
const MIN_HEX = 8;

/** Finds where each probe uuid went in `text` (whole or a run of its hex); undefined if overlapping. */
export function slotText(text: string, probes: readonly string[]): SlottedText | undefined {
  const found: (Slot & { at: number })[] = [];
  probes.forEach((uuid, index) => {
    const hex = hexOf(uuid);
    const lead = hex.slice(0, MIN_HEX);
    for (let at = text.indexOf(lead); at >= 0; at = text.indexOf(lead, at + 1)) {
      if (text.startsWith(uuid, at)) {
        found.push({ at, uuid: index, length: uuid.length, dashed: true });
        continue;
      }
      let length = MIN_HEX;
      while (length < hex.length && text[at + length] === hex[length]) length++;
      found.push({ at, uuid: index, length, dashed: false });
    }
  });
  found.sort((a, b) => a.at - b.at);
  const parts: string[] = [];
  let from = 0;
  for (const slot of found) {
    if (slot.at < from) return undefined;
    parts.push(text.slice(from, slot.at));
    from = slot.at + slot.length;
  }
  parts.push(text.slice(from));
  return {
    parts,
    escaped: parts.map((part) => JSON.stringify(part).slice(1, -1)),
    slots: found.map(({ uuid, length, dashed }) => ({ uuid, length, dashed })),
  };
}

/** The text with these uuids in its slots: a few concatenations. */
export function fillText(
  text: SlottedText,
  uuids: readonly string[],
  hexes: readonly string[],
  parts = text.parts,
): string {
  let out = parts[0]!;
  for (let i = 0; i < text.slots.length; i++) {
    const slot = text.slots[i]!;
    out += (slot.dashed ? uuids[slot.uuid]! : hexes[slot.uuid]!.slice(0, slot.length)) + parts[i + 1]!;
  }
  return out;
}

export function fillEvent(
  template: EventTemplate,
  uuids: readonly string[],
): { body: string; bodyJson: string; eventId?: string } {
  const hexes = uuids.map(hexOf);
  return {
    body: fillText(template.body, uuids, hexes),
    bodyJson: fillText(template.body, uuids, hexes, template.body.escaped),
    eventId: template.eventId && fillText(template.eventId, uuids, hexes),
  };
}

/**
 * The template of what `build` makes within one second: built once with probe uuids, and kept only
 * if a second build later in that second, with other uuids, comes out byte for byte as the template
 * fills in. A provider whose fresh fields it cannot place (finer than a second, or ids transformed
 * beyond a run of their hex) gets undefined, and its events are built in full.
 */
export function eventTemplate(
  build: (fresh: Freshness) => BuiltEvent,
  second: number,
): EventTemplate | undefined {
  const probe = (ms: number, drawn: string[]) =>
    build({ now: new Date(second * 1000 + ms), uuid: () => drawn[drawn.push(randomUUID()) - 1]! });
  const drawn: string[] = [];
  const first = probe(0, drawn);
  const body = slotText(first.body, drawn);
  const eventId = first.eventId === undefined ? undefined : slotText(first.eventId, drawn);
  if (!body || (first.eventId !== undefined && !eventId)) return undefined;
  const template: EventTemplate = { second, uuids: drawn.length, body, eventId };
  const again: string[] = [];
  const check = probe(999, again);
  if (again.length !== drawn.length) return undefined;
  const filled = fillEvent(template, again);
  return filled.body === check.body &&
    filled.eventId === check.eventId &&
    filled.bodyJson === JSON.stringify(check.body).slice(1, -1)
    ? template
    : undefined;
}

/**
 * Makes `def`'s events for a load run: each one with fresh ids, timestamps and signature, exactly as
 * `signedEvent` would build it, but filled into a template made once a second instead of merged and
 * serialized afresh. The first event is built in full (it checks the schema and the secret).
 */
export function loadEventMaker(
  ctx: Context,
  def: EventDef,
  settings: EventSettings,
  scheme?: SignedEvent['scheme'],
): (at?: Date) => LoadEvent {
  const registry = registryOf(ctx.config);
  const use = scheme ?? providerOf(def, registry).scheme;
  const secret = settings.secretFor(def.provider);
  const build = (fresh: Freshness) =>
    buildEvent(def, { registry, fresh, data: settings.data, sets: settings.sets });
  const extra = Object.keys(settings.headers).length > 0;
  let template: EventTemplate | undefined;
  let second = Number.NaN;
  let first = true;
  // `at`: the runtime's time, when the caller has just read it.
  return (at = ctx.runtime.now()) => {
    if (first) {
      first = false;
      return signedEvent(ctx, def, settings, scheme);
    }
    const now = settings.clockOffsetMs === 0 ? at : new Date(at.getTime() + settings.clockOffsetMs);
    const unix = Math.floor(now.getTime() / 1000);
    if (unix !== second) {
      second = unix;
      template = eventTemplate(build, unix);
    }
    if (!template) return signedEvent(ctx, def, settings, scheme);
    const uuids: string[] = [];
    for (let i = 0; i < template.uuids; i++) uuids.push(ctx.runtime.uuid());
    const { body, bodyJson, eventId } = fillEvent(template, uuids);
    const signed = deliveryHeaders(body, {
      scheme: use,
      secret,
      now,
      messageId: eventId ?? `msg_${hexOf(ctx.runtime.uuid())}`,
      userAgent: USER_AGENT,
      registry,
    });
    return {
      body,
      bodyJson,
      eventId,
      scheme: use,
      headers: extra ? { ...signed, ...settings.headers } : signed,
    };
  };
}
