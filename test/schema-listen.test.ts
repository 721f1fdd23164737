import { readFileSync } from 'node:fs';
import path from 'node:path';
import { request } from 'undici';
import { afterEach, describe, expect, it } from 'vitest';
import { buildEvent, deliveryHeaders } from '../src/core/build.js';
import { createCatalog } from '../src/core/catalog.js';
import type { DeliveryRecord } from '../src/core/delivery.js';
import { parseAssignment } from '../src/core/overrides.js';
import { loadFixtures } from '../src/io/fixtures.js';
import { systemRuntime } from '../src/io/runtime.js';
import { schemaVerdict } from '../src/schema/verdict.js';
import { createListener, type Listener } from '../src/server/listener.js';
import { runCli, startCli, tempDir } from './helpers/cli.js';

const SECRET = 'whsec_bWVzLXdlYmhvb2tzLWRldi1zZWNyZXQh';
const catalog = createCatalog(await loadFixtures());

/** One valid and one broken delivery per provider, with the problem the broken one must report. */
const CASES = [
  [
    'work_order.created',
    'data.workOrder.quantity="5"',
    '/data/workOrder/quantity',
    'expected integer, got string',
  ],
  [
    'inventory.moved',
    'to.type="dock"',
    '/to/type',
    'expected one of "stage", "container", "bundle", got "dock"',
  ],
  [
    'operationmessage.created',
    'data.type="info"',
    '/data/type',
    'expected one of "out-of-order", "warning", got "info"',
  ],
  ['sales_order.packed', 'object.status="DELIVERED"', '/object/status', 'expected "PACKED", got "DELIVERED"'],
] as const;

function signed(event: string, set?: string) {
  const def = catalog.find(event);
  const now = new Date();
  const built = buildEvent(def, {
    fresh: { now, uuid: systemRuntime.uuid },
    sets: set ? [parseAssignment(set)] : [],
  });
  const headers = deliveryHeaders(built.body, {
    scheme: def.provider,
    secret: SECRET,
    now,
    messageId: built.eventId ?? 'msg_1',
    userAgent: 'test',
  });
  return { headers, body: built.body };
}

async function post(url: string, delivery: { headers: Record<string, string>; body: string }) {
  const res = await request(url, { method: 'POST', headers: delivery.headers, body: delivery.body });
  return { status: res.statusCode, json: (await res.body.json()) as Record<string, unknown> };
}

describe('schemaVerdict', () => {
  it('is unknown without a provider and event, for a body that is not JSON, and for an event without a schema', () => {
    expect(schemaVerdict(null, null, '{}').verdict).toBe('unknown');
    expect(schemaVerdict('mes', 'work_order.created', '{not json')).toEqual({
      verdict: 'unknown',
      reason: 'the body is not JSON',
    });
    expect(schemaVerdict('acme', 'thing.done', '{}')).toEqual({
      verdict: 'unknown',
      reason: 'no schema for acme:thing.done',
    });
  });

  it('lists at most 20 problems of a hostile body and says how many more there were', () => {
    const body = JSON.stringify({
      id: 1,
      kind: 'inventory.merged',
      time: 2,
      transactionId: 3,
      flowId: 4,
      sourceEntityIds: Array(40).fill(7),
    });
    const v = schemaVerdict('tracktile', 'inventory.merged', Buffer.from(body));
    expect(v.verdict).toBe('invalid');
    expect(v.problems).toHaveLength(21);
    expect(v.problems!.at(-1)!.message).toMatch(/^and \d+ more$/);
  });
});

let listener: Listener | undefined;
afterEach(async () => {
  await listener?.close();
  listener = undefined;
});

describe('the listener gives every delivery a schema verdict', () => {
  it.each(CASES)(
    '%s: valid passes, broken is invalid with its pointer, and --strict-schema answers 422',
    async (event, set, pointer, message) => {
      listener = createListener({
        host: '127.0.0.1',
        port: 0,
        secret: SECRET,
        strict: false,
        strictSchema: true,
        maxBodyBytes: 1024 * 1024,
        runtime: systemRuntime,
        token: 'test-token',
      });
      const seen: DeliveryRecord[] = [];
      listener.on('delivery', (r) => seen.push(r));
      const url = await listener.start();

      expect((await post(url, signed(event))).status).toBe(200);
      const broken = await post(url, signed(event, set));
      expect(broken.status).toBe(422);
      expect(broken.json.problems).toEqual([{ pointer, message }]);
      expect(seen.map((r) => r.schema?.verdict)).toEqual(['valid', 'invalid']);
      expect(seen[1]!.schema!.problems).toEqual([{ pointer, message }]);
    },
  );
});

describe('listen shows the verdict on the terminal line, in --json and in the log; logs --schema filters', () => {
  it('carries the problems everywhere a delivery is shown', async () => {
    const cwd = tempDir();
    const env = { MES_WEBHOOKS_HOME: path.join(cwd, 'home') };
    const json = startCli(['listen', '--port', '0', '--json'], { cwd, env });
    const text = startCli(['listen', '--port', '0', '--no-log'], { cwd, env });
    try {
      const [jsonUrl, textUrl] = await Promise.all(
        [json, text].map(async (cli) => (await cli.waitFor(/http:\/\/127\.0\.0\.1:\d+\//))[0]),
      );
      for (const [event, set] of CASES) {
        await post(jsonUrl!, signed(event));
        await post(jsonUrl!, signed(event, set));
      }
      await post(textUrl!, signed('work_order.created', CASES[0][1]));
      await json.waitFor(/"sales_order.packed"[^\n]*\n[^\n]*"sales_order.packed"[^\n]*\n/);
      await text.waitFor(/schema: \/data\/workOrder\/quantity: expected integer, got string/);

      const lines = json
        .stdout()
        .trim()
        .split('\n')
        .map((l) => JSON.parse(l));
      expect(lines.map((l) => l.schema.verdict)).toEqual(Array(4).fill(['valid', 'invalid']).flat());
      expect(
        lines.filter((l) => l.schema.verdict === 'invalid').map((l) => l.schema.problems[0].pointer),
      ).toEqual(CASES.map((c) => c[2]));

      const logged = readFileSync(path.join(env.MES_WEBHOOKS_HOME, 'deliveries.jsonl'), 'utf8')
        .trim()
        .split('\n')
        .map((l) => JSON.parse(l));
      expect(
        logged.filter((r) => r.schema?.verdict === 'invalid').map((r) => r.schema.problems[0].message),
      ).toEqual(CASES.map((c) => c[3]));
      const listed = await runCli(['logs', '--schema', 'invalid', '--json'], { cwd, env });
      expect(listed.code).toBe(0);
      const rows = listed.stdout
        .trim()
        .split('\n')
        .map((l) => JSON.parse(l));
      expect(rows.map((r) => r.event).sort()).toEqual(CASES.map((c) => c[0]).sort());
      expect(rows.every((r) => r.schema.verdict === 'invalid')).toBe(true);
      const bad = await runCli(['logs', '--schema', 'broken'], { cwd, env });
      expect([bad.code, bad.stderr]).toEqual([
        2,
        expect.stringContaining('--schema: must be valid, invalid or unknown'),
      ]);
    } finally {
      await Promise.all([json.stop(), text.stop()]);
    }
  });
});
