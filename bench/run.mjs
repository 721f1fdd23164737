// npm run bench: each case against a baseline measured in the same run, medians over several rounds.
// Environment: BENCH_ROUNDS (default 5), BENCH_ONLY (comma-separated case names).
import { mkdtempSync, mkdirSync, openSync, writeSync, closeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import autocannon from 'autocannon';
import { BIN, bareServer, median, peakRss, ratio, report, run } from './lib.mjs';

const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 5);
const ONLY = process.env.BENCH_ONLY?.split(',');
const wanted = (name) => !ONLY || ONLY.includes(name);
const env = { ...process.env, CI: 'true', NO_COLOR: '1' };
const rows = [];

/** autocannon with the same connection count and one fixed signed body; requests per second. */
async function autocannonRate(url, { headers, body }, load) {
  const result = await autocannon({ url, method: 'POST', headers, body, connections: CONNECTIONS, ...load });
  return { rate: result.requests.total / result.duration, result };
}

async function startup() {
  const times = { base: [], help: [], events: [] };
  for (let i = 0; i < ROUNDS * 3; i++) {
    times.base.push((await run(process.execPath, ['-e', '0'])).ms);
    times.help.push((await run(process.execPath, [BIN, '--help'], { env })).ms);
    times.events.push((await run(process.execPath, [BIN, 'events', '--json'], { env })).ms);
  }
  const base = median(times.base);
  for (const [name, key] of [
    ['start-up: --help', 'help'],
    ['start-up: events --json', 'events'],
  ]) {
    const r = ratio(median(times[key]), base);
    rows.push({
      name,
      detail: `${median(times[key]).toFixed(1)} ms vs node -e 0 ${base.toFixed(1)} ms`,
      ratio: r,
      target: '≤ 1.3',
      pass: r <= 1.3,
    });
  }
}

const COUNT = Number(process.env.BENCH_SEND_COUNT ?? 20000);
const CONNECTIONS = 32;

async function sending() {
  const server = await bareServer();
  const ours = [];
  const theirs = [];
  const payload = await run(process.execPath, [BIN, 'payload', 'work_order.created', '--json'], { env });
  const { headers, body } = JSON.parse(payload.stdout);
  for (let i = 0; i < ROUNDS; i++) {
    // As a user runs it: the delivery log on (in a scratch folder), the summary on stderr.
    const home = mkdtempSync(path.join(tmpdir(), 'bench-send-'));
    const result = await run(
      process.execPath,
      [
        BIN,
        'send',
        'work_order.created',
        '--count',
        String(COUNT),
        '--concurrency',
        String(CONNECTIONS),
        '--to',
        server.url,
      ],
      { env: { ...env, MES_WEBHOOKS_HOME: home } },
    );
    const m = /(\d+) sent: (\d+) ok, .*?([\d.]+) req\/s/.exec(result.stderr);
    if (!m || Number(m[2]) !== COUNT) throw new Error(`send: ${result.stderr}`);
    ours.push(Number(m[3]));
    theirs.push((await autocannonRate(server.url, { headers, body }, { amount: COUNT })).rate);
  }
  await server.close();
  const r = ratio(median(ours), median(theirs));
  rows.push({
    name: 'sending',
    detail: `${Math.round(median(ours))} req/s vs autocannon ${Math.round(median(theirs))} req/s`,
    ratio: r,
    target: '≥ 0.8',
    pass: r >= 0.8,
  });
}

async function listening() {
  const durationSec = Number(process.env.BENCH_LISTEN_SECONDS ?? 5);
  const payload = await run(process.execPath, [BIN, 'payload', 'work_order.created', '--json'], { env });
  const { headers, body } = JSON.parse(payload.stdout);
  const ours = [];
  const theirs = [];
  let lost = 0;
  for (let i = 0; i < ROUNDS; i++) {
    const server = await bareServer();
    theirs.push((await autocannonRate(server.url, { headers, body }, { duration: durationSec })).rate);
    await server.close();

    const home = mkdtempSync(path.join(tmpdir(), 'bench-listen-'));
    const { spawn } = await import('node:child_process');
    const child = spawn(process.execPath, [BIN, 'listen', '--port', '0', '--json'], {
      env: { ...env, MES_WEBHOOKS_HOME: home },
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    const url = await new Promise((resolve) => {
      let err = '';
      child.stderr.on('data', (d) => {
        err += d;
        const m = /Listening on (\S+)/.exec(err);
        if (m) resolve(m[1]);
      });
    });
    const { rate, result } = await autocannonRate(url, { headers, body }, { duration: durationSec });
    ours.push(rate);
    child.kill('SIGINT');
    await new Promise((r) => child.on('close', r));
    const counted = await run(process.execPath, [BIN, 'logs', '--json'], {
      env: { ...env, MES_WEBHOOKS_HOME: home },
      maxBuffer: 1 << 30,
    });
    const logged = counted.stdout.trim().split('\n').filter(Boolean).length;
    // Requests in flight when the load stops are logged but not counted by autocannon: only fewer is a loss.
    lost += Math.max(0, result['2xx'] - logged);
  }
  const r = ratio(median(ours), median(theirs));
  rows.push({
    name: 'listening',
    detail: `${Math.round(median(ours))} req/s vs bare node:http ${Math.round(median(theirs))} req/s, ${lost} lost`,
    ratio: r,
    target: '≥ 0.6, none lost',
    pass: r >= 0.6 && lost === 0,
  });
}

function writeLog(file, count, make) {
  mkdirSync(path.dirname(file), { recursive: true });
  const fd = openSync(file, 'w', 0o600);
  let chunk = '';
  for (let i = 0; i < count; i++) {
    chunk += `${JSON.stringify(make(i))}\n`;
    if (chunk.length > 1 << 20) {
      writeSync(fd, chunk);
      chunk = '';
    }
  }
  writeSync(fd, chunk);
  closeSync(fd);
}

const EVENTS = [
  'work_order.created',
  'work_order.started',
  'work_order.completed',
  'work_order.updated',
  'operation.started',
  'operation.completed',
  'quality.inspection_complete',
  'quality.ncr_created',
  'inventory.material_allocated',
  'inventory.material_consumed',
];

function record(i, url) {
  const event = EVENTS[i % EVENTS.length];
  const body = JSON.stringify({
    id: `evt-${i}`,
    type: event,
    timestamp: '2026-01-01T00:00:00Z',
    data: { workOrder: { id: `wo-${i % 500}`, quantity: i % 300 } },
  });
  return {
    v: 1,
    deliveryId: `dlv_${i.toString(36).padStart(8, '0')}`,
    direction: i % 2 ? 'received' : 'sent',
    kind: i % 2 ? 'receive' : 'send',
    at: new Date(1767225600000 + i * 1000).toISOString(),
    provider: 'mes',
    event,
    eventId: `evt-${i}`,
    scheme: 'mes',
    attempt: 1,
    groupId: `dlv_${i.toString(36)}`,
    request: {
      method: 'POST',
      url,
      headers: { 'content-type': 'application/json', 'x-mes-signature': 'a'.repeat(64) },
      body,
      bodyEncoding: 'utf8',
    },
    response: {
      status: 200,
      headers: { 'content-type': 'application/json' },
      body: '{"ok":true}',
      bodyEncoding: 'utf8',
    },
    status: i % 7 === 0 ? 500 : 200,
    ok: i % 7 !== 0,
    durationMs: 1.5,
  };
}

async function logQuery() {
  const home = mkdtempSync(path.join(tmpdir(), 'bench-log-'));
  const count = Number(process.env.BENCH_LOG_RECORDS ?? 1_000_000);
  writeLog(path.join(home, 'deliveries.jsonl'), count, (i) => record(i, 'http://127.0.0.1:9/'));
  const times = [];
  const peaks = [];
  let matched = 0;
  for (let i = 0; i < Math.min(ROUNDS, 3); i++) {
    const result = await peakRss(process.execPath, [BIN, 'logs', '--json', '--event', 'quality.*'], {
      env: { ...env, MES_WEBHOOKS_HOME: home },
      maxBuffer: 1 << 30,
    });
    times.push(result.ms);
    peaks.push(result.peakKiB);
    matched = result.stdout.split('\n').filter(Boolean).length;
  }
  const peakMiB = median(peaks) / 1024;
  rows.push({
    name: 'log query (1M records)',
    detail: `${(median(times) / 1000).toFixed(2)} s, ${matched} matches, peak ${peakMiB.toFixed(1)} MiB`,
    ratio: '-',
    target: '< 100 MiB',
    pass: peakMiB < 100,
  });
}

async function replay() {
  const server = await bareServer();
  const home = mkdtempSync(path.join(tmpdir(), 'bench-replay-'));
  const count = 10_000;
  writeLog(path.join(home, 'deliveries.jsonl'), count, (i) => ({
    ...record(i, server.url),
    direction: 'sent',
    kind: 'send',
  }));
  const rates = [];
  for (let i = 0; i < Math.min(ROUNDS, 3); i++) {
    const result = await run(
      process.execPath,
      [BIN, 'replay', '--last', String(count), '--concurrency', String(CONNECTIONS), '--no-log', '--json'],
      { env: { ...env, MES_WEBHOOKS_HOME: home }, maxBuffer: 1 << 30 },
    );
    if (result.code !== 0) throw new Error(`replay failed: ${result.stderr}`);
    rates.push(count / (result.ms / 1000));
  }
  await server.close();
  rows.push({
    name: 'replay (10,000 logged)',
    detail: `${Math.round(median(rates))} deliveries/s, start-up included`,
    ratio: '-',
    target: '',
    pass: true,
  });
}

console.log(`mes-webhooks benchmarks · node ${process.version} · ${ROUNDS} rounds`);
for (const [name, fn] of [
  ['startup', startup],
  ['sending', sending],
  ['listening', listening],
  ['log', logQuery],
  ['replay', replay],
]) {
  if (!wanted(name)) continue;
  process.stderr.write(`running ${name}…\n`);
  await fn();
}
report(rows);
if (rows.some((r) => !r.pass)) process.exitCode = 1;
