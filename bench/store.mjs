// Listener throughput with the PostgreSQL delivery log against the JSONL file log, in one run:
// the same signed delivery, the same autocannon load, alternating rounds, medians. Every 2xx must
// be in the log afterwards. Run alone with `node bench/store.mjs` (after npm run build), or call
// storeCase(rows) from bench/run.mjs. Environment: BENCH_ROUNDS (default 5), BENCH_LISTEN_SECONDS (5).
import { spawn } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { warmedLoad, WARM_UP, BIN, perSecond, report, run, spread, two } from './lib.mjs';
import { startPostgres } from '../test/helpers/pg-server.mjs';

const CONNECTIONS = 32;
const env = { ...process.env, CI: 'true', NO_COLOR: '1' };
delete env.MES_WEBHOOKS_LOG_URL;

async function measure(extraEnv, { headers, body }, seconds) {
  const child = spawn(process.execPath, [BIN, 'listen', '--port', '0', '--json'], {
    env: { ...env, ...extraEnv },
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let err = '';
  const url = await new Promise((resolve, reject) => {
    child.stderr.on('data', (d) => {
      err += d;
      const m = /Listening on (\S+)/.exec(err);
      if (m) resolve(m[1]);
    });
    child.on('close', () => reject(new Error(`listen ended: ${err}`)));
  });
  // autocannon's CLI in its own process, as for every other listening case.
  const result = await warmedLoad(url, { headers, body, connections: CONNECTIONS, duration: seconds });
  child.kill('SIGINT');
  await new Promise((r) => child.on('close', r));
  const counted = await run(process.execPath, [BIN, 'logs', '--json', '--limit', '0'], {
    env: { ...env, ...extraEnv },
    maxBuffer: 1 << 30,
  });
  const logged = counted.stdout.trim().split('\n').filter(Boolean).length;
  // Requests in flight when the load stops are logged but not counted by autocannon: only fewer is a loss.
  return { rate: result.rate, lost: Math.max(0, result.ok - logged) };
}

export async function storeCase(
  rows,
  {
    rounds = Number(process.env.BENCH_ROUNDS ?? 5),
    seconds = Number(process.env.BENCH_LISTEN_SECONDS ?? 5),
  } = {},
) {
  const payload = await run(process.execPath, [BIN, 'payload', 'work_order.created', '--json'], { env });
  const delivery = JSON.parse(payload.stdout);
  const server = await startPostgres({ durable: true });
  const file = [];
  const db = [];
  const ratios = [];
  let lost = 0;
  try {
    for (let i = 0; i < rounds; i++) {
      const home = mkdtempSync(path.join(tmpdir(), 'bench-store-'));
      const f = await measure({ MES_WEBHOOKS_HOME: home }, delivery, seconds);
      const url = await server.createDatabase(`bench_${i}`);
      const d = await measure({ MES_WEBHOOKS_HOME: home, MES_WEBHOOKS_LOG_URL: url }, delivery, seconds);
      file.push(f.rate);
      db.push(d.rate);
      ratios.push(d.rate / f.rate);
      lost += f.lost + d.lost;
    }
  } finally {
    await server.destroy();
  }
  rows.push({
    name: `listening: \`listen --json\` with the PostgreSQL log (commit before answer) under \`autocannon -c ${CONNECTIONS}\`, after ${WARM_UP} requests to warm up`,
    ours: `${spread(db, perSecond)}, ${lost} answered 2xx but not logged (both logs)`,
    baseline: `the same listener with the JSONL file log ${spread(file, perSecond)}`,
    ratio: spread(ratios, two),
    target: 'none lost',
    pass: lost === 0,
  });
}

if (import.meta.url === pathToFileURL(process.argv[1]).href) {
  const rows = [];
  await storeCase(rows);
  report(rows);
  if (rows.some((r) => !r.pass)) process.exitCode = 1;
}
