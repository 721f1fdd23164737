import { spawn } from 'node:child_process';
import { appendFileSync, readFileSync, statSync, writeFileSync, chmodSync, unlinkSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import type { DeliveryRecord } from '../src/core/delivery.js';
import { bodyBytes, recordBody } from '../src/core/delivery.js';
import { DeliveryLog, logPath, readDeliveries, type ReadStats } from '../src/io/log.js';
import { tempDir } from './helpers/cli.js';

function record(id: string, body = '{"a":1}'): DeliveryRecord {
  return {
    v: 1,
    deliveryId: id,
    direction: 'sent',
    kind: 'send',
    at: new Date(0).toISOString(),
    provider: 'mes',
    event: 'work_order.created',
    eventId: `evt-${id}`,
    scheme: 'mes',
    attempt: 1,
    groupId: id,
    request: { method: 'POST', url: 'http://127.0.0.1/', headers: {}, ...recordBody(Buffer.from(body)) },
    status: 200,
    ok: true,
    durationMs: 1,
  };
}

async function readAll(file: string, stats?: ReadStats) {
  const out: DeliveryRecord[] = [];
  for await (const r of readDeliveries(file, stats)) out.push(r);
  return out;
}

describe('the delivery log', () => {
  it('lives in .mes-webhooks under the working directory, or MES_WEBHOOKS_HOME', () => {
    expect(logPath({}, '/work/x')).toBe('/work/x/.mes-webhooks/deliveries.jsonl');
    expect(logPath({ MES_WEBHOOKS_HOME: 'logs' }, '/work/x')).toBe('/work/x/logs/deliveries.jsonl');
  });

  it('appends one line per record, creates the file 0600 and reads them back in order', async () => {
    const file = path.join(tempDir(), 'nested', 'deliveries.jsonl');
    const log = new DeliveryLog(file);
    await Promise.all(Array.from({ length: 50 }, (_, i) => log.append(record(`d${i}`))));
    await log.close();
    expect(statSync(file).mode & 0o777).toBe(0o600);
    const lines = readFileSync(file, 'utf8').split('\n');
    expect(lines).toHaveLength(51);
    expect((await readAll(file)).map((r) => r.deliveryId)).toEqual(
      Array.from({ length: 50 }, (_, i) => `d${i}`),
    );
  });

  it('says what is in the way of a log under a plain file, and opens it at the next write once it is gone', async () => {
    const home = path.join(tempDir(), 'home');
    writeFileSync(home, 'not a folder');
    const log = new DeliveryLog(path.join(home, 'deep', 'deliveries.jsonl'));
    const first = log.append(record('a'));
    await expect(first).rejects.toThrow(`${home} is a file, not a folder`);
    // Tried again at each write, not in a loop: with the obstacle gone, the next record is written.
    unlinkSync(home);
    await log.append(record('b'));
    await log.close();
    expect(readFileSync(path.join(home, 'deep', 'deliveries.jsonl'), 'utf8')).toMatch(/"deliveryId":"b"/);
  });

  it('tightens an existing log to 0600', async () => {
    const file = path.join(tempDir(), 'deliveries.jsonl');
    writeFileSync(file, '');
    chmodSync(file, 0o644);
    const log = new DeliveryLog(file);
    await log.append(record('a'));
    await log.close();
    expect(statSync(file).mode & 0o777).toBe(0o600);
  });

  it('keeps bodies byte for byte, binary included', () => {
    const binary = Buffer.from([0xff, 0xfe, 0x00, 0x41]);
    expect(recordBody(binary).bodyEncoding).toBe('base64');
    expect(bodyBytes(recordBody(binary)).equals(binary)).toBe(true);
    const text = Buffer.from('{"name":"Müller \u2603"}');
    expect(recordBody(text)).toEqual({ body: '{"name":"Müller \u2603"}', bodyEncoding: 'utf8' });
  });

  it('skips a torn last line and garbage, counting them, and starts the next append on a new line', async () => {
    const file = path.join(tempDir(), 'deliveries.jsonl');
    writeFileSync(file, `${JSON.stringify(record('one'))}\nnot json at all\n{"half": tr`);
    const stats = { skipped: 0 };
    expect((await readAll(file, stats)).map((r) => r.deliveryId)).toEqual(['one']);
    expect(stats.skipped).toBe(2);
    const log = new DeliveryLog(file);
    await log.append(record('two'));
    await log.close();
    const after = { skipped: 0 };
    expect((await readAll(file, after)).map((r) => r.deliveryId)).toEqual(['one', 'two']);
    expect(after.skipped).toBe(2);
  });

  it('reads nothing, without error, when there is no log yet', async () => {
    expect(await readAll(path.join(tempDir(), 'none.jsonl'))).toEqual([]);
  });

  it('never interleaves lines when two processes append at once', async () => {
    const file = path.join(tempDir(), 'deliveries.jsonl');
    const moduleUrl = new URL('../dist/io/log.js', import.meta.url).href;
    const script = `
      const { DeliveryLog } = await import(${JSON.stringify(moduleUrl)});
      const log = new DeliveryLog(process.argv[1]);
      const body = process.argv[2].repeat(20000);
      const writes = [];
      for (let i = 0; i < 300; i++) {
        writes.push(log.append({ v: 1, deliveryId: process.argv[2] + i, request: { body } }));
        if (i % 7 === 0) await new Promise((r) => setImmediate(r));
      }
      await Promise.all(writes);
      await log.close();`;
    const run = (tag: string) =>
      new Promise<number | null>((resolve) => {
        const child = spawn(process.execPath, ['--input-type=module', '-e', script, file, tag], {
          stdio: 'inherit',
        });
        child.on('close', resolve);
      });
    expect(await Promise.all([run('a'), run('b')])).toEqual([0, 0]);
    const stats = { skipped: 0 };
    const records = await readAll(file, stats);
    expect(stats.skipped).toBe(0);
    expect(records).toHaveLength(600);
    for (const r of records)
      expect((r.request as { body: string }).body).toBe(r.deliveryId[0]!.repeat(20000));
  });

  it('keeps what was logged when a line is appended by hand', async () => {
    const file = path.join(tempDir(), 'deliveries.jsonl');
    const log = new DeliveryLog(file);
    await log.append(record('x'));
    appendFileSync(file, 'garbage\n');
    await log.append(record('y'));
    await log.close();
    expect((await readAll(file)).map((r) => r.deliveryId)).toEqual(['x', 'y']);
  });
});
