// Shared helpers for the benchmarks: every program measured (ours and the baselines) is a child
// process started the same way, its peak memory read by GNU time or from /proc.
import { Buffer } from 'node:buffer';
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';

export const BIN = process.env.BENCH_BIN ?? fileURLToPath(new URL('../bin/mes-webhooks.js', import.meta.url));
export const BARE_SERVER = fileURLToPath(new URL('./bare-server.mjs', import.meta.url));
const require = createRequire(import.meta.url);
export const AUTOCANNON = require.resolve('autocannon/autocannon.js');
export const NODE = process.execPath;

const PEAK_MARK = '\n@@peak-kib ';

/** Runs a command to completion under GNU time: wall time, output, exit code and peak RSS (KiB). */
export function run(command, args, options = {}) {
  return new Promise((resolve, reject) => {
    const started = process.hrtime.bigint();
    const child = spawn('/usr/bin/time', ['-f', `${PEAK_MARK}%M`, command, ...args], {
      stdio: ['ignore', 'pipe', 'pipe'],
      ...options,
    });
    const out = [];
    const err = [];
    child.stdout.on('data', (d) => out.push(d));
    child.stderr.on('data', (d) => err.push(d));
    child.on('error', reject);
    child.on('close', (code) => {
      const ms = Number(process.hrtime.bigint() - started) / 1e6;
      const stderr = Buffer.concat(err).toString();
      const at = stderr.lastIndexOf(PEAK_MARK);
      resolve({
        code,
        ms,
        stdout: Buffer.concat(out).toString(),
        stderr: at >= 0 ? stderr.slice(0, at) : stderr,
        peakKiB: at >= 0 ? Number(stderr.slice(at + PEAK_MARK.length).trim()) : NaN,
      });
    });
  });
}

/** The high-water mark of a live process's resident memory, in KiB. */
function peakOf(pid) {
  try {
    const m = /VmHWM:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return m ? Number(m[1]) : NaN;
  } catch {
    return NaN;
  }
}

/** Starts a long-running server process and resolves once it prints "Listening on <url>". */
export function startServer(args, options = {}) {
  const child = spawn(NODE, args, { stdio: ['ignore', 'pipe', 'pipe'], ...options });
  const closed = new Promise((resolve) => child.on('close', resolve));
  return new Promise((resolve, reject) => {
    let seen = '';
    const look = (d) => {
      seen += d;
      const m = /Listening on (\S+)/.exec(seen);
      if (!m) return;
      resolve({
        url: m[1],
        /** Stops the process (SIGINT lets ours flush its log); resolves with its peak RSS in KiB. */
        async stop(signal = 'SIGINT') {
          const peakKiB = peakOf(child.pid);
          child.kill(signal);
          await closed;
          return peakKiB;
        },
      });
    };
    child.stdout?.on('data', look);
    child.stderr?.on('data', look);
    child.on('error', reject);
    closed.then((code) => reject(new Error(`server exited (${code}) before listening: ${seen}`)));
  });
}

/** autocannon's own CLI in its own process: one fixed request, -c connections, -a amount or -d seconds. */
export async function autocannon(url, { headers, body, connections, amount, duration }) {
  // -L 10: autocannon notices the end of an -a run at its next sample, every second by default,
  // which would count up to a second of nothing into its time; every 10 ms it counts at most that.
  const args = [AUTOCANNON, '-c', String(connections), '-m', 'POST', '--json', '-n', '-L', '10'];
  for (const [name, value] of Object.entries(headers)) args.push('-H', `${name}=${value}`);
  args.push('-b', body);
  if (amount) args.push('-a', String(amount));
  else args.push('-d', String(duration));
  args.push(url);
  const result = await run(NODE, args, { maxBuffer: 1 << 26 });
  if (result.code !== 0) throw new Error(`autocannon failed: ${result.stderr}`);
  const json = JSON.parse(result.stdout);
  const seconds = (Date.parse(json.finish) - Date.parse(json.start)) / 1000;
  return {
    rate: json.requests.total / seconds,
    ok: json['2xx'],
    errors: json.errors + json.timeouts + json.non2xx,
    p50: json.latency.p50,
    p97_5: json.latency.p97_5,
    p99: json.latency.p99,
    peakKiB: result.peakKiB,
  };
}

/** Requests a server answers before its measured run: none of them counted. */
export const WARM_UP = 3000;

/**
 * A server under load as it is once it has been running a while: WARM_UP requests first, unmeasured
 * (V8 compiles the hot path while they go), then the measured run. The same for ours and the
 * baselines. `ok` counts the 2xx answers of both runs, as the log should hold them all.
 */
export async function warmedLoad(url, load) {
  const warm = await autocannon(url, { ...load, amount: WARM_UP, duration: undefined });
  const measured = await autocannon(url, load);
  return { ...measured, ok: measured.ok + warm.ok };
}

export const median = (values) => {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
};

/** "median (min–max)" of a list, with a formatter for each number. */
export function spread(values, format = (n) => String(Math.round(n))) {
  const min = Math.min(...values);
  const max = Math.max(...values);
  return min === max ? format(min) : `${format(median(values))} (${format(min)}–${format(max)})`;
}

export const mib = (kib) => `${(kib / 1024).toFixed(1)} MiB`;
export const ms = (n) => `${n.toFixed(1)} ms`;
export const perSecond = (n) => `${Math.round(n).toLocaleString('en-US')}/s`;
export const two = (n) => n.toFixed(2);

/** Prints the results as a table; each row: case, ours, baseline, ratio, target verdict. */
export function report(rows) {
  const cols = ['case', 'ours', 'baseline', 'ratio (per round)', 'target'];
  const cells = rows.map((r) => [
    r.name,
    r.ours,
    r.baseline ?? '—',
    r.ratio ?? '—',
    r.target ? `${r.target} ${r.pass ? 'met' : 'MISSED'}` : '—',
  ]);
  const widths = cols.map((c, i) => Math.max(c.length, ...cells.map((row) => row[i].length)));
  const line = (row) => `| ${row.map((c, i) => c.padEnd(widths[i])).join(' | ')} |`;
  console.log(line(cols));
  console.log(line(widths.map((w) => '-'.repeat(w))));
  for (const row of cells) console.log(line(row));
}
