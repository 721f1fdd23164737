// The durable log sink tells its producer when it could not keep a record: the listener answers
// 503 on that, other producers go on after one warning.
import { statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { recordBody, type DeliveryRecord } from '../src/core/delivery.js';
import { logSink } from '../src/pipeline/sinks/log.js';
import { DeliveryStream, type StreamEvent } from '../src/pipeline/stream.js';
import { runCli, tempDir } from './helpers/cli.js';

const record = (id: string): DeliveryRecord => ({
  v: 1,
  deliveryId: id,
  direction: 'received',
  kind: 'receive',
  at: new Date(0).toISOString(),
  provider: null,
  event: null,
  eventId: null,
  scheme: null,
  attempt: 1,
  groupId: id,
  request: { method: 'POST', url: '/', headers: {}, ...recordBody(Buffer.from('{}')) },
  status: 200,
  ok: true,
  durationMs: 1,
});

function streamTo(file: string) {
  const stream = new DeliveryStream();
  const seen: StreamEvent[] = [];
  stream.subscribe({ accept: (event) => void seen.push(event) });
  stream.subscribe(logSink(file, stream));
  return { stream, warnings: () => seen.filter((e) => e.type === 'warning') };
}

describe('the log sink', () => {
  it('resolves emit with nothing unwritten when the record is written, and opens the file 0600 at once', async () => {
    const file = path.join(tempDir(), 'home', 'deliveries.jsonl');
    const { stream } = streamTo(file);
    await stream.open();
    expect(statSync(file).mode & 0o777).toBe(0o600);
    expect(await stream.emit({ type: 'delivery', record: record('d1') })).toEqual({});
    expect(stream.failure()).toBeUndefined();
    await stream.close();
  });

  it('reports every record it cannot keep, with the reason, and warns once', async () => {
    const blocker = path.join(tempDir(), 'not-a-folder');
    writeFileSync(blocker, '');
    const { stream, warnings } = streamTo(path.join(blocker, 'deliveries.jsonl'));
    const first = await stream.emit({ type: 'delivery', record: record('d1') });
    const second = await stream.emit({ type: 'delivery', record: record('d2') });
    expect(first.unwritten).toMatch(/the delivery log cannot be written \(.*is a file, not a folder\)/);
    expect(second).toEqual(first);
    expect(stream.failure()).toBe(first.unwritten);
    expect(warnings()).toHaveLength(1);
    await stream.close();
  });

  it('knows an unwritable log from open, before the first record', async () => {
    const blocker = path.join(tempDir(), 'not-a-folder');
    writeFileSync(blocker, '');
    const { stream, warnings } = streamTo(path.join(blocker, 'deliveries.jsonl'));
    await stream.open();
    expect(stream.failure()).toMatch(/cannot be written/);
    expect(warnings()).toHaveLength(1);
    await stream.close();
  });

  it('leaves send to its own listener untouched: one warning, every delivery answered, exit 0', async () => {
    const blocker = path.join(tempDir(), 'not-a-folder');
    writeFileSync(blocker, '');
    const res = await runCli(['send', 'work_order.created', '--count', '3'], {
      env: { MES_WEBHOOKS_HOME: blocker },
    });
    expect(res.code).toBe(0);
    expect(res.stderr.match(/could not write the delivery log/g)).toHaveLength(1);
    expect(res.stderr).toMatch(/3 ok, 0 failed/);
  });
});
