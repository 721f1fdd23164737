import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { buildEvent } from '../src/core/build.js';
import { createCatalog, type EventDef } from '../src/core/catalog.js';
import { parseAssignment } from '../src/core/overrides.js';
import { unixSeconds, type Freshness } from '../src/core/providers/types.js';
import { SCHEME_IDS, verify } from '../src/core/schemes/index.js';
import type { EventSettings } from '../src/commands/common.js';
import { eventTemplate, fillEvent, loadEventMaker, slotText } from '../src/commands/event-template.js';
import { loadFixtures } from '../src/io/fixtures.js';
import { FakeClock, fakeContext } from './helpers/context.js';

const catalog = createCatalog(await loadFixtures());
const SECRET = `whsec_${Buffer.alloc(24, 9).toString('base64')}`;
const SECOND = Date.parse('2026-03-04T05:06:07Z') / 1000;

/** A uuid source that hands out these, in order. */
const handing = (uuids: string[]) => {
  let i = 0;
  return () => uuids[i++]!;
};

function settings(extra: Partial<EventSettings> = {}): EventSettings {
  return {
    secret: () => SECRET,
    secretSource: 'flag',
    secretFor: () => SECRET,
    clockOffsetMs: 0,
    sets: [],
    data: undefined,
    headers: {},
    strict: false,
    ...extra,
  };
}

/** The template filled with `uuids` against the full build with the same fresh values. */
function compare(def: EventDef, build: (fresh: Freshness) => ReturnType<typeof buildEvent>, ms: number) {
  const template = eventTemplate(build, SECOND);
  expect(template, def.name).toBeDefined();
  const uuids = Array.from({ length: template!.uuids }, () => randomUUID());
  const full = build({ now: new Date(SECOND * 1000 + ms), uuid: handing(uuids) });
  expect(fillEvent(template!, uuids)).toEqual({
    body: full.body,
    bodyJson: JSON.stringify(full.body).slice(1, -1),
    eventId: full.eventId,
  });
}

describe('event templates of a load run', () => {
  it('fill in to exactly the bytes of the full build, for every event of every provider', () => {
    expect(new Set(catalog.events.map((def) => def.provider)).size).toBeGreaterThanOrEqual(4);
    for (const def of catalog.events) {
      for (const ms of [0, 1, 500, 999]) compare(def, (fresh) => buildEvent(def, { fresh }), ms);
    }
  });

  it('fill in --data and --set as the full build merges them', () => {
    const sets = [parseAssignment('data.note="a \\"quoted\\" ü"'), parseAssignment('extra.n=5')];
    const data = { data: { extra: [1, 2, { deep: true }] } };
    for (const def of catalog.events) compare(def, (fresh) => buildEvent(def, { fresh, data, sets }), 250);
  });

  it('place a uuid whole or as a run of its hex, and refuse overlapping places', () => {
    const uuid = '0123abcd-4567-4def-8901-23456789abcd';
    const text = `{"a":"${uuid}","b":"evt-0123abcd4567","c":"x"}`;
    const slotted = slotText(text, [uuid])!;
    expect(slotted.slots).toEqual([
      { uuid: 0, length: 36, dashed: true },
      { uuid: 0, length: 12, dashed: false },
    ]);
    const other = 'ffffeeee-dddd-4ccc-8bbb-aaaa99998888';
    expect(fillEvent({ second: 0, uuids: 1, body: slotted, eventId: undefined }, [other]).bodyJson).toBe(
      JSON.stringify(`{"a":"${other}","b":"evt-ffffeeeedddd","c":"x"}`).slice(1, -1),
    );
    expect(fillEvent({ second: 0, uuids: 1, body: slotted, eventId: undefined }, [other]).body).toBe(
      `{"a":"${other}","b":"evt-ffffeeeedddd","c":"x"}`,
    );
  });

  it('are refused for a provider whose fresh fields change within a second', () => {
    const def = catalog.events[0]!;
    const millis = (fresh: Freshness) => {
      const built = buildEvent(def, { fresh });
      const body = JSON.stringify({ ...built.payload, sentAt: fresh.now.toISOString() });
      return { ...built, body };
    };
    expect(eventTemplate(millis, SECOND)).toBeUndefined();
  });

  it.each(SCHEME_IDS)('sign every event for scheme %s so that the scheme verifies it', (scheme) => {
    const clock = new FakeClock(SECOND * 1000 + 123);
    const drawn: string[] = [];
    const ctx = fakeContext({ clock });
    ctx.runtime = { ...ctx.runtime, uuid: () => drawn[drawn.push(randomUUID()) - 1]! };
    const def = catalog.events.find((d) => d.provider === 'mes')!;
    const next = loadEventMaker(ctx, def, settings({ headers: { 'x-extra': 'yes' } }), scheme);
    const signatures = new Set<string>();
    for (let i = 0; i < 5; i++) {
      const before = drawn.length;
      const event = next();
      const full = buildEvent(def, {
        fresh: { now: new Date(clock.ms), uuid: handing(drawn.slice(before)) },
      });
      expect(event.body).toBe(full.body);
      expect(event.eventId).toBe(full.eventId);
      expect(event.scheme).toBe(scheme);
      expect(event.headers['x-extra']).toBe('yes');
      const verdict = verify(scheme, {
        secret: SECRET,
        body: event.body,
        headers: event.headers,
        now: unixSeconds(new Date(clock.ms)),
      });
      expect(verdict.verdict, verdict.reason).toBe('valid');
      signatures.add(JSON.stringify(event.headers));
      clock.advance(400);
    }
    expect(signatures.size).toBe(5);
  });
});
