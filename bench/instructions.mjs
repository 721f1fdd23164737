// npm run bench:instructions: instructions executed, counted by valgrind's callgrind, ours against a
// baseline. Unlike wall time on a shared machine, the count barely moves from run to run, so it shows
// a change of one percent.
// - Start-up: a whole run of a command against `node -e 0`. V8 sets up its hash seed with a random
//   amount of work (v8::internal::HashSeed::InitializeRoots, up to about 10 million instructions):
//   that part is left out of every count.
// - Listening: instructions per delivery of `listen --json` (verify, print, log) against the bare
//   `node:http` server, each under callgrind while autocannon (not counted, its own process) sends
//   the same signed body. Per delivery is the difference between a run of W+N1 and one of W+N2
//   requests, over N2-N1: start-up, warm-up and exit cancel out. Counted in user space only: the
//   kernel's work for the connection is the same for both and is not in the count.
// Environment: BENCH_BIN (another build to measure), BENCH_ONLY=startup or listening.
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { AUTOCANNON, BARE_SERVER, BIN, NODE, run, WARM_UP } from './lib.mjs';

const STARTUP = [
  ['`node -e 0`', ['-e', '0']],
  ['`--help`', [BIN, '--help']],
  ['`events --json`', [BIN, 'events', '--json']],
  ['`payload work_order.created`', [BIN, 'payload', 'work_order.created']],
  ['`send work_order.created`, embedded listener', [BIN, 'send', 'work_order.created']],
];
const FEWER = 2000;
const MORE = 6000;

if (spawnSync('valgrind', ['--version']).error) {
  console.error('bench:instructions needs valgrind (apt-get install valgrind)');
  process.exit(2);
}

const only = process.env.BENCH_ONLY;
const scratch = mkdtempSync(path.join(tmpdir(), 'bench-instructions-'));
const env = { ...process.env, CI: 'true', NO_COLOR: '1', MES_WEBHOOKS_HOME: scratch };
delete env.NODE_EXTRA_CA_CERTS;

const callgrind = (out) => ['--tool=callgrind', `--callgrind-out-file=${out}`, '--smc-check=all-non-file'];

/** Instructions counted in a callgrind output file: in all threads, less the hash-seed set-up. */
function counted(out) {
  const summary = spawnSync('callgrind_annotate', ['--inclusive=yes', '--threshold=100', out], {
    encoding: 'utf8',
    maxBuffer: 64 * 1024 * 1024,
  }).stdout;
  const count = (pattern) => {
    const line = summary.split('\n').find((l) => pattern.test(l));
    return line ? Number(line.trim().split(/\s+/)[0].replaceAll(',', '')) : 0;
  };
  rmSync(out, { force: true });
  return count(/PROGRAM TOTALS/) - count(/HashSeed::InitializeRoots/);
}

/** Millions of instructions one run of `node args` executes, in all its threads. */
function instructions(args) {
  const out = path.join(scratch, 'callgrind.out');
  const run = spawnSync('valgrind', [...callgrind(out), NODE, ...args], {
    env,
    cwd: scratch,
    stdio: ['ignore', 'ignore', 'pipe'],
    encoding: 'utf8',
  });
  if (run.status !== 0) throw new Error(`${args.join(' ')} exited ${run.status}: ${run.stderr.slice(-2000)}`);
  return counted(out) / 1e6;
}

/** Runs `node args` to its end (lib.mjs's run); resolves with its stdout. */
async function output(args) {
  const result = await run(NODE, args, { env, maxBuffer: 1 << 26 });
  if (result.code !== 0) throw new Error(`node ${args.join(' ')} exited ${result.code}: ${result.stderr}`);
  return result.stdout;
}

/** Instructions of a server under callgrind that answers the warm-up and then `count` requests. */
async function serverInstructions(args, sample, count) {
  const out = path.join(scratch, 'server.out');
  const home = mkdtempSync(path.join(scratch, 'home-'));
  const child = spawn('valgrind', [...callgrind(out), NODE, ...args], {
    env: { ...env, MES_WEBHOOKS_HOME: home },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const closed = new Promise((resolve) => child.on('close', resolve));
  const url = await new Promise((resolve, reject) => {
    let seen = '';
    const look = (d) => {
      seen += d;
      const m = /Listening on (\S+)/.exec(seen);
      if (m) resolve(m[1]);
    };
    // Both streams read to their end: a full pipe would stall the server.
    child.stdout.on('data', look);
    child.stderr.on('data', look);
    closed.then((code) => reject(new Error(`${args.join(' ')} exited ${code} before listening: ${seen}`)));
  });
  const load = [AUTOCANNON, '-c', '32', '-m', 'POST', '--json', '-n', '-t', '60'];
  for (const [name, value] of Object.entries(sample.headers)) load.push('-H', `${name}=${value}`);
  load.push('-b', sample.body);
  for (const amount of [WARM_UP, count]) {
    const result = JSON.parse(await output([...load, '-a', String(amount), url]));
    if (result['2xx'] !== amount)
      throw new Error(`${args.join(' ')}: ${result['2xx']} of ${amount} answered 2xx`);
  }
  child.kill('SIGINT');
  await closed;
  rmSync(home, { recursive: true, force: true });
  return counted(out);
}

async function perDelivery(args, sample) {
  const fewer = await serverInstructions(args, sample, FEWER);
  const more = await serverInstructions(args, sample, MORE);
  return (more - fewer) / (MORE - FEWER);
}

try {
  if (only === undefined || only === 'startup') {
    const rows = STARTUP.map(([name, args]) => [name, instructions(args)]);
    const base = rows[0][1];
    console.log('| start-up | instructions | against `node -e 0` |\n|---|---|---|');
    for (const [name, millions] of rows)
      console.log(`| ${name} | ${millions.toFixed(1)} M | ${(millions / base).toFixed(2)} |`);
  }
  if (only === undefined || only === 'listening') {
    const sample = JSON.parse(await output([BIN, 'payload', 'work_order.created', '--json']));
    const bare = await perDelivery([BARE_SERVER], sample);
    const ours = await perDelivery([BIN, 'listen', '--port', '0', '--json'], sample);
    const k = (n) => `${(n / 1000).toFixed(1)} k`;
    console.log('\n| per delivery | instructions | against the bare server |\n|---|---|---|');
    console.log(`| bare \`node:http\` server | ${k(bare)} | 1.00 |`);
    console.log(`| \`listen --json\` (verify, print, log) | ${k(ours)} | ${(ours / bare).toFixed(2)} |`);
  }
} finally {
  rmSync(scratch, { recursive: true, force: true });
}
