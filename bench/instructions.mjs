// npm run bench:instructions: start-up as instructions executed, counted by valgrind's callgrind,
// ours against `node -e 0`. Unlike wall time on a shared machine, the count barely moves from run to
// run, so it shows a change of one percent. V8 sets up its hash seed with a random amount of work
// (v8::internal::HashSeed::InitializeRoots, up to about 10 million instructions): that part is left
// out of every count. Environment: BENCH_BIN (another build to measure).
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { BIN, NODE } from './lib.mjs';

const CASES = [
  ['`node -e 0`', ['-e', '0']],
  ['`--help`', [BIN, '--help']],
  ['`events --json`', [BIN, 'events', '--json']],
  ['`payload work_order.created`', [BIN, 'payload', 'work_order.created']],
  ['`send work_order.created`, embedded listener', [BIN, 'send', 'work_order.created']],
];

if (spawnSync('valgrind', ['--version']).error) {
  console.error('bench:instructions needs valgrind (apt-get install valgrind)');
  process.exit(2);
}

const scratch = mkdtempSync(path.join(tmpdir(), 'bench-instructions-'));
const env = { ...process.env, CI: 'true', NO_COLOR: '1', MES_WEBHOOKS_HOME: scratch };
delete env.NODE_EXTRA_CA_CERTS;

/** Millions of instructions one run of `node args` executes, in all its threads. */
function instructions(args) {
  const out = path.join(scratch, 'callgrind.out');
  const run = spawnSync(
    'valgrind',
    ['--tool=callgrind', `--callgrind-out-file=${out}`, '--smc-check=all-non-file', NODE, ...args],
    { env, cwd: scratch, stdio: ['ignore', 'ignore', 'pipe'], encoding: 'utf8' },
  );
  if (run.status !== 0) throw new Error(`${args.join(' ')} exited ${run.status}: ${run.stderr.slice(-2000)}`);
  const summary = spawnSync('callgrind_annotate', ['--inclusive=yes', '--threshold=100', out], {
    encoding: 'utf8',
    maxBuffer: 64 * 1024 * 1024,
  }).stdout;
  const count = (pattern) => {
    const line = summary.split('\n').find((l) => pattern.test(l));
    return line ? Number(line.trim().split(/\s+/)[0].replaceAll(',', '')) : 0;
  };
  return (count(/PROGRAM TOTALS/) - count(/HashSeed::InitializeRoots/)) / 1e6;
}

try {
  const rows = CASES.map(([name, args]) => [name, instructions(args)]);
  const base = rows[0][1];
  console.log('| case | instructions | against `node -e 0` |\n|---|---|---|');
  for (const [name, millions] of rows)
    console.log(`| ${name} | ${millions.toFixed(1)} M | ${(millions / base).toFixed(2)} |`);
} finally {
  rmSync(scratch, { recursive: true, force: true });
}
