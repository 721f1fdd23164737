// npm run bench: each case against a baseline in a process of its own, started the same way as ours,
// several rounds; medians, spread, and the ratio computed per round. Exits 1 when a target is missed.
// Environment: BENCH_ROUNDS (default 5), BENCH_ONLY (names in CASES below),
// BENCH_SEND_COUNT, BENCH_LISTEN_SECONDS, BENCH_LOG_SIZES, BENCH_BIN (another build to measure).
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { cpus, tmpdir, totalmem } from 'node:os';
import path from 'node:path';
import { writeLog } from './logdata.mjs';
import { storeCase } from './store.mjs';
import {
  BARE_SERVER,
  BIN,
  NODE,
  autocannon,
  warmedLoad,
  WARM_UP,
  median,
  mib,
  ms,
  perSecond,
  report,
  run,
  spread,
  startServer,
  two,
} from './lib.mjs';

const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 5);
const ONLY = process.env.BENCH_ONLY?.split(',');
// A listening round is two servers, one after the other, a few seconds each: the host's noise
// between them moves a round's ratio by a tenth or more, so these cases take twice the rounds.
const LISTEN_ROUNDS = ROUNDS * 2;
const CONNECTIONS = 32;
// NODE_EXTRA_CA_CERTS makes every Node process read a CA bundle as it starts (about 80 ms for
// Debian's): the same for ours and the baselines, it would hide most of a start-up ratio. No process
// the bench starts gets it.
delete process.env.NODE_EXTRA_CA_CERTS;
const env = { ...process.env, CI: 'true', NO_COLOR: '1' };
const rows = [];
const scratch = (name) => mkdtempSync(path.join(tmpdir(), `bench-${name}-`));
const homeEnv = (home) => ({ env: { ...env, MES_WEBHOOKS_HOME: home } });

/** Delivery records in a log file, parsed line by line. */
function logged(home) {
  let text = '';
  try {
    text = readFileSync(path.join(home, 'deliveries.jsonl'), 'utf8');
  } catch {
    return [];
  }
  return text
    .split('\n')
    .filter(Boolean)
    .map((l) => JSON.parse(l));
}

async function signedSample() {
  const payload = await run(NODE, [BIN, 'payload', 'work_order.created', '--json'], { env });
  return JSON.parse(payload.stdout);
}

async function startup() {
  const listenerHome = scratch('startup');
  const listener = await startServer([BIN, 'listen', '--port', '0', '--no-log'], homeEnv(listenerHome));
  const cases = [
    ['start-up: `--help`', ['--help'], 1.3],
    ['start-up: `events --json`', ['events', '--json'], 1.3],
    ['start-up: `payload work_order.created`', ['payload', 'work_order.created'], 1.3],
    [
      'start-up: `send work_order.created --to` a running listener',
      ['send', 'work_order.created', '--to', listener.url],
    ],
    ['start-up: `send work_order.created` (embedded listener)', ['send', 'work_order.created'], 2],
  ];
  const base = { ms: [], peak: [] };
  const ours = cases.map(() => ({ ms: [], peak: [], ratio: [] }));
  for (let i = 0; i < ROUNDS * 3; i++) {
    const b = await run(NODE, ['-e', '0'], { env });
    base.ms.push(b.ms);
    base.peak.push(b.peakKiB);
    for (const [k, [, args]] of cases.entries()) {
      const home = scratch('start');
      const r = await run(NODE, [BIN, ...args], homeEnv(home));
      rmSync(home, { recursive: true, force: true });
      if (r.code !== 0) throw new Error(`${args.join(' ')} exited ${r.code}: ${r.stderr}`);
      ours[k].ms.push(r.ms);
      ours[k].peak.push(r.peakKiB);
      ours[k].ratio.push(r.ms / b.ms);
    }
  }
  await listener.stop();
  rmSync(listenerHome, { recursive: true, force: true });
  for (const [k, [name, , target]] of cases.entries()) {
    const ratio = median(ours[k].ratio);
    rows.push({
      name,
      ours: `${spread(ours[k].ms, ms)}, peak ${mib(median(ours[k].peak))}`,
      baseline: `\`node -e 0\` ${spread(base.ms, ms)}, peak ${mib(median(base.peak))}`,
      ratio: spread(ours[k].ratio, two),
      target: target ? `≤ ${target}` : '',
      pass: !target || ratio <= target,
    });
  }
}

const SEND_COUNT = Number(process.env.BENCH_SEND_COUNT ?? 20000);
const LATENCY =
  /(\d+) sent: (\d+) ok, .*?([\d.]+) req\/s · p50 ([\d.]+) ms · p95 ([\d.]+) ms · p99 ([\d.]+) ms/;

async function sending() {
  const sample = await signedSample();
  const ours = { rate: [], peak: [], p: [] };
  const theirs = { rate: [], peak: [], p: [] };
  const ratios = [];
  let missing = 0;
  for (let i = 0; i < ROUNDS; i++) {
    const server = await startServer([BARE_SERVER]);
    const mine = async () => {
      // As a user runs it: the delivery log on (in a scratch folder), the summary on stderr.
      const home = scratch('send');
      const args = ['send', 'work_order.created', '--count', String(SEND_COUNT)];
      args.push('--concurrency', String(CONNECTIONS), '--to', server.url);
      const r = await run(NODE, [BIN, ...args], homeEnv(home));
      const m = LATENCY.exec(r.stderr);
      if (!m || Number(m[2]) !== SEND_COUNT) throw new Error(`send: ${r.stderr}`);
      const records = logged(home);
      missing += SEND_COUNT - new Set(records.map((x) => x.deliveryId)).size;
      if (new Set(records.map((x) => x.request.headers['x-mes-signature'])).size !== records.length)
        throw new Error('send: a signature was reused');
      rmSync(home, { recursive: true, force: true });
      return { rate: Number(m[3]), peakKiB: r.peakKiB, p: [m[4], m[5], m[6]] };
    };
    const cannon = () => autocannon(server.url, { ...sample, connections: CONNECTIONS, amount: SEND_COUNT });
    // Alternate who goes first, so neither always meets a freshly started server.
    const [a, b] = i % 2 ? [await cannon(), await mine()] : [null, await mine()];
    const ac = a ?? (await cannon());
    await server.stop('SIGTERM');
    ours.rate.push(b.rate);
    ours.peak.push(b.peakKiB);
    ours.p.push(b.p);
    theirs.rate.push(ac.rate);
    theirs.peak.push(ac.peakKiB);
    theirs.p.push([ac.p50, ac.p97_5, ac.p99]);
    ratios.push(b.rate / ac.rate);
  }
  const mid = (list, k) => two(median(list.map((p) => Number(p[k]))));
  const ratio = median(ratios);
  rows.push({
    name: `sending: \`send work_order.created --count ${SEND_COUNT} --concurrency ${CONNECTIONS}\` (fresh event, ids and signature per request, log on)`,
    ours: `${spread(ours.rate, perSecond)}, p50/p95/p99 ${mid(ours.p, 0)}/${mid(ours.p, 1)}/${mid(ours.p, 2)} ms, peak ${mib(median(ours.peak))}, ${missing} not in the log`,
    baseline: `\`autocannon -c ${CONNECTIONS} -a ${SEND_COUNT}\` (one fixed body) ${spread(theirs.rate, perSecond)}, p50/p97.5/p99 ${mid(theirs.p, 0)}/${mid(theirs.p, 1)}/${mid(theirs.p, 2)} ms, peak ${mib(median(theirs.peak))}`,
    ratio: spread(ratios, two),
    target: '≥ 0.8, all logged',
    pass: ratio >= 0.8 && missing === 0,
  });
}

async function listening() {
  const seconds = Number(process.env.BENCH_LISTEN_SECONDS ?? 5);
  const sample = await signedSample();
  const load = { ...sample, connections: CONNECTIONS, duration: seconds };
  const ours = { rate: [], peak: [] };
  const theirs = { rate: [], peak: [] };
  const ratios = [];
  let lost = 0;
  for (let i = 0; i < LISTEN_ROUNDS; i++) {
    const bare = async () => {
      const server = await startServer([BARE_SERVER]);
      const r = await warmedLoad(server.url, load);
      return { rate: r.rate, peakKiB: await server.stop('SIGTERM') };
    };
    const mine = async () => {
      const home = scratch('listen');
      const server = await startServer([BIN, 'listen', '--port', '0', '--json'], {
        ...homeEnv(home),
        stdio: ['ignore', 'ignore', 'pipe'],
      });
      const r = await warmedLoad(server.url, load);
      const peakKiB = await server.stop('SIGINT');
      const answered = logged(home).filter((x) => x.direction === 'received' && x.ok).length;
      // Requests in flight when the load stops are logged but not counted by autocannon: only fewer is a loss.
      lost += Math.max(0, r.ok - answered);
      rmSync(home, { recursive: true, force: true });
      return { rate: r.rate, peakKiB };
    };
    const [a, b] = i % 2 ? [await bare(), await mine()] : [null, await mine()];
    const base = a ?? (await bare());
    ours.rate.push(b.rate);
    ours.peak.push(b.peakKiB);
    theirs.rate.push(base.rate);
    theirs.peak.push(base.peakKiB);
    ratios.push(b.rate / base.rate);
  }
  const ratio = median(ratios);
  rows.push({
    name: `listening: \`listen --json\` (verify, print, log) under \`autocannon -c ${CONNECTIONS} -d ${seconds}\`, after ${WARM_UP} requests to warm up`,
    ours: `${spread(ours.rate, perSecond)}, peak ${mib(median(ours.peak))}, ${lost} answered 2xx but not logged`,
    baseline: `bare \`node:http\` server process ${spread(theirs.rate, perSecond)}, peak ${mib(median(theirs.peak))}`,
    ratio: spread(ratios, two),
    target: '≥ 0.6, none lost',
    pass: ratio >= 0.6 && lost === 0,
  });
}

/** The listener with schema verdicts on against the same listener with them off, alternating. */
async function schemaCost() {
  const seconds = Number(process.env.BENCH_LISTEN_SECONDS ?? 5);
  const sample = await signedSample();
  const load = { ...sample, connections: CONNECTIONS, duration: seconds };
  const on = [];
  const off = [];
  const ratios = [];
  const listen = async (extra) => {
    const home = scratch('schema');
    const server = await startServer([BIN, 'listen', '--port', '0', '--json', ...extra], {
      ...homeEnv(home),
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    const r = await warmedLoad(server.url, load);
    await server.stop('SIGINT');
    rmSync(home, { recursive: true, force: true });
    return r.rate;
  };
  for (let i = 0; i < LISTEN_ROUNDS; i++) {
    const [a, b] =
      i % 2
        ? [await listen([]), await listen(['--no-schema-check'])]
        : [null, await listen(['--no-schema-check'])];
    const checked = a ?? (await listen([]));
    on.push(checked);
    off.push(b);
    ratios.push(checked / b);
  }
  const ratio = median(ratios);
  rows.push({
    name: `listening: schema verdicts on, under \`autocannon -c ${CONNECTIONS} -d ${seconds}\`, after ${WARM_UP} requests to warm up`,
    ours: spread(on, perSecond),
    baseline: `the same \`listen --json --no-schema-check\` ${spread(off, perSecond)}`,
    ratio: spread(ratios, two),
    target: '≥ 0.9',
    pass: ratio >= 0.9,
  });
}

/** Median time and highest peak RSS of `logs --json --event 'quality.*'` over a log of `count` records. */
async function queryLog(count) {
  const home = scratch('log');
  writeLog(path.join(home, 'deliveries.jsonl'), count, 'http://127.0.0.1:9/');
  const times = [];
  const peaks = [];
  let matched = 0;
  for (let i = 0; i < Math.min(ROUNDS, 3); i++) {
    const r = await run(NODE, [BIN, 'logs', '--json', '--event', 'quality.*'], {
      ...homeEnv(home),
      maxBuffer: 1 << 30,
    });
    if (r.code !== 0) throw new Error(`logs: ${r.stderr}`);
    times.push(r.ms);
    peaks.push(r.peakKiB);
    matched = r.stdout.split('\n').filter(Boolean).length;
  }
  rmSync(home, { recursive: true, force: true });
  return { times, peak: Math.max(...peaks), matched };
}

async function logQuery() {
  const sizes = (process.env.BENCH_LOG_SIZES ?? '10000,100000,1000000').split(',').map(Number);
  // The same query over an empty log: start-up, to take out of the time per record.
  const empty = median((await queryLog(0)).times);
  let first;
  for (const count of sizes) {
    const { times, peak, matched } = await queryLog(count);
    const perK = Math.max(0, median(times) - empty) / (count / 1000);
    first ??= perK;
    rows.push({
      name: `log query: \`logs --json --event 'quality.*'\` over ${count.toLocaleString('en-US')} records`,
      ours: `${spread(times, ms)}, ${matched} matches, ${ms(perK)} per 1k records after start-up (${ms(empty)}), peak ${mib(peak)}`,
      baseline: '—',
      ratio: `time per record ×${two(perK / first)} of the smallest log's`,
      target: '< 100 MiB',
      pass: peak < 100 * 1024,
    });
  }
}

async function replay() {
  const server = await startServer([BARE_SERVER]);
  const home = scratch('replay');
  const count = 10_000;
  writeLog(path.join(home, 'deliveries.jsonl'), count, server.url, { sentOnly: true });
  const rates = [];
  const peaks = [];
  for (let i = 0; i < Math.min(ROUNDS, 3); i++) {
    const args = [
      'replay',
      '--last',
      String(count),
      '--concurrency',
      String(CONNECTIONS),
      '--no-log',
      '--json',
    ];
    const r = await run(NODE, [BIN, ...args], { ...homeEnv(home), maxBuffer: 1 << 30 });
    if (r.code !== 0) throw new Error(`replay failed: ${r.stderr}`);
    rates.push(count / (r.ms / 1000));
    peaks.push(r.peakKiB);
  }
  await server.stop('SIGTERM');
  rmSync(home, { recursive: true, force: true });
  rows.push({
    name: `replay: \`replay --last ${count} --concurrency ${CONNECTIONS}\` to a bare server`,
    ours: `${spread(rates, perSecond)} start-up included, peak ${mib(median(peaks))}`,
  });
}

const cpu = cpus()[0]?.model ?? 'unknown CPU';
console.log(
  `mes-webhooks benchmarks · node ${process.version} · ${cpus().length} × ${cpu} · ${mib(totalmem() / 1024)} · ${ROUNDS} rounds (start-up ${ROUNDS * 3}, listening ${LISTEN_ROUNDS})`,
);
// The cases, in order. A case is an async function that pushes rows (name, ours, baseline, ratio,
// target) onto `rows`; a new one is a function and a line here, and its name joins BENCH_ONLY.
const CASES = [
  ['startup', startup],
  ['sending', sending],
  ['listening', listening],
  ['schema', schemaCost],
  ['log', logQuery],
  ['replay', replay],
  // The listener with the PostgreSQL log against the file log (starts its own server).
  ['store', () => storeCase(rows, { rounds: ROUNDS })],
];
for (const [name, fn] of CASES) {
  if (ONLY && !ONLY.includes(name)) continue;
  process.stderr.write(`running ${name}…\n`);
  await fn();
}
report(rows);
const missed = rows.filter((r) => r.target && !r.pass);
if (missed.length > 0) {
  console.log(`\n${missed.length} target(s) missed: ${missed.map((r) => r.name).join('; ')}`);
  process.exitCode = 1;
}
