import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { Agent, request } from 'undici';
import { afterEach, describe, expect, it } from 'vitest';
import { buildEvent, deliveryHeaders } from '../src/core/build.js';
import { createCatalog } from '../src/core/catalog.js';
import type { DeliveryRecord } from '../src/core/delivery.js';
import { deliveryJson } from '../src/core/delivery-json.js';
import { loadFixtures } from '../src/io/fixtures.js';
import { systemRuntime } from '../src/io/runtime.js';
import { FileStore } from '../src/io/store.js';
import { logSink } from '../src/pipeline/sinks/log.js';
import { jsonLine } from '../src/pipeline/sinks/ndjson.js';
import { DeliveryStream } from '../src/pipeline/stream.js';
import { createListener, type ListenerOptions } from '../src/server/listener.js';
import { lazyRecord, Offload, type Work } from '../src/server/offload.js';
import { safeJsonText } from '../src/ui/sanitize.js';
import { tempDir } from './helpers/cli.js';

// The listener's worker thread (src/server/offload.ts): the built worker, real loopback requests and
// a real log file. `npm test` builds first; the worker is dist/bundle/delivery-worker.cjs.
const WORKER = fileURLToPath(new URL('../dist/bundle/delivery-worker.cjs', import.meta.url));
const SECRET = 'whsec_bWVzLXdlYmhvb2tzLWRldi1zZWNyZXQh';
const catalog = createCatalog(await loadFixtures());
const cleanup: (() => Promise<unknown>)[] = [];
afterEach(async () => {
  await Promise.all(cleanup.splice(0).map((fn) => fn()));
});

function signed() {
  const now = new Date();
  const built = buildEvent(catalog.find('work_order.created'), { fresh: { now, uuid: systemRuntime.uuid } });
  const headers = deliveryHeaders(built.body, {
    scheme: 'mes',
    secret: SECRET,
    now,
    messageId: built.eventId ?? 'msg_1',
    userAgent: 'test',
  });
  return { headers, body: built.body };
}

/** A listener with a log and --json lines, as `listen --json` wires it. */
async function start(options: Partial<ListenerOptions> = {}, store?: FileStore) {
  const file = path.join(tempDir(), 'deliveries.jsonl');
  const stream = new DeliveryStream();
  stream.subscribe(logSink(store ?? new FileStore(file), stream, { acknowledge: true, owned: true }));
  const printed: string[] = [];
  stream.subscribe({ accept: (event) => void printed.push(jsonLine(event) ?? '') });
  const listener = createListener({
    host: '127.0.0.1',
    port: 0,
    secret: SECRET,
    strict: false,
    maxBodyBytes: 1 << 20,
    runtime: systemRuntime,
    token: 'tok',
    stream,
    offload: WORKER,
    ...options,
  });
  const seen: DeliveryRecord[] = [];
  listener.on('delivery', (record) => seen.push(record));
  const url = await listener.start();
  await stream.open();
  const stop = async () => {
    await listener.close();
    await stream.close();
  };
  cleanup.push(stop);
  const logged = () =>
    readFileSync(file, 'utf8')
      .split('\n')
      .filter(Boolean)
      .map((line) => ({ line, record: JSON.parse(line) as DeliveryRecord }));
  return { url, listener, seen, printed, logged, stop };
}

/** `count` deliveries at once over `connections` keep-alive connections; errors as status 0. */
async function burst(url: string, count: number, connections: number) {
  const dispatcher = new Agent({ connections, pipelining: 1 });
  cleanup.push(() => dispatcher.close());
  return Promise.all(
    Array.from({ length: count }, async () => {
      const { headers, body } = signed();
      try {
        const res = await request(url, { method: 'POST', headers, body, dispatcher });
        return { status: res.statusCode, json: (await res.body.json()) as { deliveryId: string } };
      } catch {
        return { status: 0, json: { deliveryId: '' } };
      }
    }),
  );
}

/** A record without what differs from one delivery to the next. */
function comparable(record: DeliveryRecord) {
  const { deliveryId, request, response, ...rest } = record;
  return {
    ...rest,
    deliveryId: '',
    groupId: '',
    at: '',
    durationMs: 0,
    request: { ...request, headers: { ...request.headers, host: '' } },
    response: { ...response, body: response?.body.replace(deliveryId, '') },
  };
}

describe('deliveries examined on the worker thread', () => {
  it('are recorded, printed and answered as the listener would do it on its own thread', async () => {
    const worked = await start();
    const here = await start({ offload: false });
    expect(await worked.listener.offloaded()).toBe(true);
    expect(await here.listener.offloaded()).toBe(false);
    const { headers, body } = signed();
    for (const { url } of [worked, here]) {
      const res = await request(url, { method: 'POST', headers, body });
      expect(res.statusCode).toBe(200);
      await res.body.text();
    }
    await worked.stop();
    await here.stop();
    const [a] = worked.logged();
    const [b] = here.logged();
    expect(comparable(a!.record)).toEqual(comparable(b!.record));
    expect(a!.record.signature?.verdict).toBe('valid');
    expect(a!.record.schema?.verdict).toBe('valid');
    // The --json line, made from the worker's log line, is the one made from the record here.
    expect(worked.printed).toEqual([safeJsonText(JSON.stringify(deliveryJson(a!.record)))]);
    expect(worked.seen.map((r) => r.deliveryId)).toEqual([a!.record.deliveryId]);
  });

  it('log every delivery of a burst before answering it', async () => {
    const { url, seen, logged, stop } = await start();
    const answers = await burst(url, 64, 8);
    await stop();
    expect(answers.every((a) => a.status === 200)).toBe(true);
    const ids = new Set(logged().map((l) => l.record.deliveryId));
    expect(ids.size).toBe(64);
    for (const answer of answers) expect(ids.has(answer.json.deliveryId)).toBe(true);
    expect(seen.filter((r) => r.signature?.verdict === 'valid')).toHaveLength(64);
  });

  it('are answered 503, and recorded as not stored, when the log write fails', async () => {
    class Refusing extends FileStore {
      override append(): Promise<void> {
        return Promise.reject(new Error('no space left on device'));
      }
    }
    const { url, listener, seen, stop } = await start({}, new Refusing(path.join(tempDir(), 'x.jsonl')));
    const answers = await burst(url, 24, 6);
    await stop();
    expect(answers.map((a) => a.status)).toEqual(Array(24).fill(503));
    expect(listener.unlogged).toBe(24);
    expect(seen).toHaveLength(24);
    for (const record of seen) {
      expect(record).toMatchObject({ status: 503, ok: false, error: { code: 'LOG_UNWRITABLE' } });
      expect(answers.some((a) => a.json.deliveryId === record.deliveryId)).toBe(true);
    }
  });

  it('lose none when the listener stops in the middle of a burst', async () => {
    const { url, seen, logged, stop } = await start();
    const answers = burst(url, 300, 16);
    // Stopped as soon as the first deliveries are in: the rest are at the worker, or on their way.
    while (seen.length === 0) await new Promise((later) => setTimeout(later, 1));
    await stop();
    const got = await answers;
    const records = logged().map((l) => l.record);
    const ids = new Set(records.map((r) => r.deliveryId));
    // Every delivery taken is in the log, each answered one among them.
    expect(records).toHaveLength(seen.length);
    for (const answer of got.filter((a) => a.status === 200))
      expect(ids.has(answer.json.deliveryId)).toBe(true);
    expect(records.filter((r) => r.ok).length).toBeGreaterThanOrEqual(
      got.filter((a) => a.status === 200).length,
    );
  });
});

/** An Offload whose worker is a script of the test's own; `local` and `finish` count their calls. */
async function offloadWith(script: string | undefined) {
  const file = path.join(tempDir(), 'worker.cjs');
  if (script !== undefined) writeFileSync(file, script);
  const calls = { local: 0, finish: 0 };
  const offload = new Offload<Work>(
    pathToFileURL(file),
    { secret: SECRET, strict: false },
    async () => void calls.local++,
    async () => void calls.finish++,
  );
  cleanup.push(() => offload.close());
  const work = (): Work => ({
    arrival: { method: 'POST', url: '/', headers: {} },
    bytes: Buffer.from('{}'),
    arrived: new Date(),
    started: 0,
  });
  return { offload, calls, work };
}

const READY = "const { parentPort } = require('node:worker_threads'); parentPort.postMessage('ready');";

describe('the worker thread', () => {
  it('gives back to the listener every delivery it held when it dies', async () => {
    const { offload, calls, work } = await offloadWith(
      `${READY} parentPort.on('message', () => process.exit(3));`,
    );
    expect(await offload.started).toBe(true);
    await Promise.all(Array.from({ length: 5 }, () => offload.take(work())));
    expect(calls).toEqual({ local: 5, finish: 0 });
    // And takes none from then on.
    await offload.take(work());
    expect(calls.local).toBe(6);
  });

  it('gives back a delivery it could not examine, and keeps the others', async () => {
    const { offload, calls, work } = await offloadWith(
      `${READY} parentPort.on('message', (b) => parentPort.postMessage(b.items.map((i) =>
        i.id % 2 ? { id: i.id } : { id: i.id, deliveryId: 'dlv_' + i.id, status: 200, body: '{}', log: '{"a":1}', jsonLength: 7, whole: true })));`,
    );
    expect(await offload.started).toBe(true);
    await Promise.all(Array.from({ length: 6 }, () => offload.take(work())));
    expect(calls).toEqual({ local: 3, finish: 3 });
  });

  it('leaves the deliveries past a few to the listener while it is busy', async () => {
    const { offload, calls, work } = await offloadWith(
      `${READY} parentPort.on('message', (b) => setTimeout(() => parentPort.postMessage(b.items.map((i) =>
        ({ id: i.id, deliveryId: 'd' + i.id, status: 200, body: '{}', log: '{"a":1}', jsonLength: 7, whole: true }))), 50));`,
    );
    expect(await offload.started).toBe(true);
    const first = offload.take(work());
    await new Promise((sent) => setImmediate(sent));
    // The first is at the worker: four wait for it, the other two are taken at once.
    await Promise.all([first, ...Array.from({ length: 6 }, () => offload.take(work()))]);
    expect(calls).toEqual({ local: 2, finish: 5 });
  });

  it('gives back what it holds when it is ended, even stuck', async () => {
    const { offload, calls, work } = await offloadWith(
      `${READY} parentPort.on('message', () => { for (;;); });`,
    );
    expect(await offload.started).toBe(true);
    const taken = Promise.all(Array.from({ length: 4 }, () => offload.take(work())));
    await new Promise((later) => setTimeout(later, 20));
    await offload.close();
    await taken;
    expect(calls).toEqual({ local: 4, finish: 0 });
  });

  it('is not there in a build without its file: the listener takes every delivery', async () => {
    const { offload, calls, work } = await offloadWith(undefined);
    expect(await offload.started).toBe(false);
    await offload.take(work());
    expect(calls).toEqual({ local: 1, finish: 0 });
  });
});

describe('a record read from its log line when first read', () => {
  it('reads, changes and serialises as the parsed record does', () => {
    const line = JSON.stringify({ deliveryId: 'dlv_1', status: 200, ok: true, response: { status: 200 } });
    const lazy = lazyRecord(line);
    expect(JSON.stringify(lazy)).toBe(line);
    expect({ ...lazy }).toEqual(JSON.parse(line));
    lazy.status = null;
    delete lazy.response;
    expect('response' in lazy).toBe(false);
    expect(JSON.parse(JSON.stringify(lazy))).toEqual({ deliveryId: 'dlv_1', status: null, ok: true });
  });
});
