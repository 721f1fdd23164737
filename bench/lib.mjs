// Shared helpers for the benchmarks: child processes, medians, a bare loopback server.
import { spawn } from 'node:child_process';
import { createServer } from 'node:http';
import { fileURLToPath } from 'node:url';

export const BIN = fileURLToPath(new URL('../bin/mes-webhooks.js', import.meta.url));

export const median = (values) => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)];
};

/** Runs a command to completion; resolves with its wall time, output and exit code. */
export function run(command, args, options = {}) {
  return new Promise((resolve, reject) => {
    const started = process.hrtime.bigint();
    const child = spawn(command, args, { stdio: ['ignore', 'pipe', 'pipe'], ...options });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    child.on('error', reject);
    child.on('close', (code) =>
      resolve({ code, stdout, stderr, ms: Number(process.hrtime.bigint() - started) / 1e6 }),
    );
  });
}

/** Peak resident memory of a command, in KiB, read by GNU time. */
export async function peakRss(command, args, options = {}) {
  const result = await run('/usr/bin/time', ['-f', '%M', command, ...args], options);
  const lines = result.stderr.trim().split('\n');
  return { ...result, peakKiB: Number(lines.at(-1)) };
}

/** A node:http server that only answers 200: the baseline receiver. */
export async function bareServer() {
  const server = createServer((req, res) => {
    req.resume();
    req.on('end', () => res.writeHead(200, { 'content-type': 'application/json' }).end('{"ok":true}'));
  });
  server.keepAliveTimeout = 30_000;
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${server.address().port}/`,
    close: () =>
      new Promise((r) => {
        server.close(r);
        server.closeAllConnections();
      }),
  };
}

export function ratio(a, b) {
  return Math.round((a / b) * 100) / 100;
}

export function report(rows) {
  const width = Math.max(...rows.map((r) => r.name.length));
  for (const r of rows) {
    const verdict = r.target ? (r.pass ? 'meets' : 'MISSES') + ` target ${r.target}` : '';
    console.log(
      `${r.name.padEnd(width)}  ${r.detail.padEnd(62)}  ratio ${String(r.ratio).padEnd(6)} ${verdict}`,
    );
  }
}
