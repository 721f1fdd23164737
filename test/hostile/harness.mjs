// The hostile harness: the built listener spawned as a user runs it, raw sockets, a seeded case
// generator, and counts of what was answered against what was logged. Shared by test/hostile/*
// and bench/fuzz.mjs, so the long run and the one in `npm test` throw the same cases.
import { Buffer } from 'node:buffer';
import { spawn } from 'node:child_process';
import { closeSync, existsSync, mkdtempSync, openSync, readSync, rmSync } from 'node:fs';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { clearTimeout, setTimeout } from 'node:timers';
import { fileURLToPath } from 'node:url';

// HOSTILE_BIN runs the suite against another build (e.g. an older one, to see it fail).
export const BIN =
  process.env.HOSTILE_BIN ?? fileURLToPath(new URL('../../bin/mes-webhooks.js', import.meta.url));

/** Starts `listen` on a free port with its own log; resolves once it says where it listens. */
export function startListener(args = [], { bin = BIN, env = {} } = {}) {
  const home = mkdtempSync(path.join(tmpdir(), 'mes-webhooks-hostile-'));
  const child = spawn(process.execPath, [bin, 'listen', '--port', '0', ...args], {
    cwd: home,
    env: { ...process.env, CI: 'true', NO_COLOR: '1', FORCE_COLOR: '0', MES_WEBHOOKS_HOME: home, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (d) => (stdout += d));
  const exited = new Promise((resolve) => child.on('exit', (code, signal) => resolve({ code, signal })));
  const ready = new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`listen did not start: ${stderr}`)), 15_000);
    child.stderr.on('data', (d) => {
      stderr += d;
      const m = /Listening on http:\/\/127\.0\.0\.1:(\d+)/.exec(stderr);
      if (m && /Feed: \S+token=\S+\n/.test(stderr)) {
        clearTimeout(timer);
        resolve(Number(m[1]));
      }
    });
    child.on('exit', () => reject(new Error(`listen exited: ${stderr}`)));
  });
  return ready.then((port) => ({
    port,
    home,
    logFile: path.join(home, 'deliveries.jsonl'),
    child,
    exited,
    stdout: () => stdout,
    stderr: () => stderr,
    alive: () => child.exitCode === null && child.signalCode === null,
    feedToken: () => /token=([A-Za-z0-9_-]+)/.exec(stderr)?.[1],
    async stop(signal = 'SIGINT') {
      if (child.exitCode === null && child.signalCode === null) child.kill(signal);
      return exited;
    },
    /** Removes the run's folder and its log. */
    remove() {
      rmSync(home, { recursive: true, force: true });
    },
  }));
}

/**
 * Writes raw bytes to the listener and collects everything it answers until it closes the
 * connection or goes quiet. `hangUp` closes our side right after writing (a client that leaves).
 */
export function raw(port, chunks, { quietMs = 400, firstByteMs = 10_000, hangUp = false } = {}) {
  return new Promise((resolve) => {
    const socket = connect(port, '127.0.0.1');
    const received = [];
    let timer;
    const done = () => {
      clearTimeout(timer);
      socket.destroy();
      resolve(Buffer.concat(received).toString('latin1'));
    };
    const quiet = (ms = quietMs) => {
      clearTimeout(timer);
      timer = setTimeout(done, ms);
    };
    socket.on('connect', () => {
      for (const chunk of chunks) socket.write(chunk);
      if (hangUp) socket.destroy();
      // A busy listener may take a while to start answering; once it has, a quiet spell ends the case.
      quiet(firstByteMs);
    });
    socket.on('data', (d) => {
      received.push(d);
      quiet();
    });
    socket.on('error', () => undefined);
    socket.on('close', done);
  });
}

/** The status codes in a raw answer (one per pipelined response) and the delivery ids it names. */
export function answersIn(text) {
  const statuses = [...text.matchAll(/HTTP\/1\.1 (\d{3}) /g)].map((m) => Number(m[1]));
  const ids = [...text.matchAll(/"deliveryId":"([A-Za-z0-9_-]+)"/g)].map((m) => m[1]);
  return { statuses, ids };
}

/** Every delivery id in a log file, read line by line (a log of large bodies is bigger than a string may be). */
export function loggedIds(file) {
  const ids = new Set();
  if (!existsSync(file)) return ids;
  const take = (line) => {
    try {
      const record = JSON.parse(line.toString('utf8'));
      if (typeof record.deliveryId === 'string') ids.add(record.deliveryId);
    } catch {
      // A torn last line after kill -9, or a blank one.
    }
  };
  const fd = openSync(file, 'r');
  try {
    const chunk = Buffer.alloc(1 << 20);
    let parts = [];
    for (let n; (n = readSync(fd, chunk, 0, chunk.length, null)) > 0;) {
      let start = 0;
      for (let nl = chunk.indexOf(0x0a, 0); nl >= 0 && nl < n; nl = chunk.indexOf(0x0a, nl + 1)) {
        parts.push(Buffer.from(chunk.subarray(start, nl)));
        take(Buffer.concat(parts));
        parts = [];
        start = nl + 1;
      }
      parts.push(Buffer.from(chunk.subarray(start, n)));
    }
    take(Buffer.concat(parts));
  } finally {
    closeSync(fd);
  }
  return ids;
}

/** A small seeded generator: the same seed throws the same cases. */
export function seeded(seed) {
  let a = seed >>> 0;
  const next = () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const int = (n) => Math.floor(next() * n);
  const pick = (list) => list[int(list.length)];
  const bytes = (n) => Buffer.from(Array.from({ length: n }, () => int(256)));
  return { next, int, pick, bytes };
}

const SIGNATURE_HEADERS = [
  'x-mes-signature',
  'x-sha2-signature',
  'x-tracktile-signature',
  'x-btrz-signature',
  'webhook-signature',
];
const TARGETS = [
  '/',
  '//',
  '//[',
  'http://a:99999/',
  '*',
  '/%zz',
  '/../../etc/passwd',
  '/hooks?x=1#y',
  '/__mes-webhooks/feed',
  '/__mes-webhooks/ui?token=x',
  '/__mes-webhooks/api/deliveries',
  'http://127.0.0.1/',
  '/\u00ff',
];
const ESCAPES = [
  '\u001b[2J',
  '\u001b]0;pwned\u0007',
  '\u001b]52;c;ZXZpbA==\u0007',
  '\u009b31m',
  '\u202e',
  '\r',
  '\u0000',
];

function request({ method = 'POST', target = '/', headers = {}, body = Buffer.alloc(0), length = true }) {
  // Connection: close, so each case ends when the listener has answered, not after a quiet spell.
  const lines = [`${method} ${target} HTTP/1.1`, 'Host: 127.0.0.1'];
  if (!('connection' in headers)) lines.push('Connection: close');
  for (const [name, value] of Object.entries(headers)) lines.push(`${name}: ${value}`);
  if (length) lines.push(`Content-Length: ${body.length}`);
  return Buffer.concat([Buffer.from(`${lines.join('\r\n')}\r\n\r\n`, 'latin1'), body]);
}

function deep(n, open, close, inner = '1') {
  return open.repeat(n) + inner + close.repeat(n);
}

/** One hostile request (or a few on one connection), from a family picked by the generator. */
export function makeCase(r) {
  const json = { 'content-type': 'application/json' };
  const sig = () => ({ [r.pick(SIGNATURE_HEADERS)]: `t=1,v1=${r.bytes(8).toString('hex')}` });
  const event = () => `work_order.${r.pick(ESCAPES)}created${r.pick(ESCAPES)}`;
  const families = [
    () => [
      'envelope',
      [
        request({
          headers: { ...json, ...sig() },
          body: Buffer.from(
            JSON.stringify({
              type: event(),
              id: `evt_${r.int(1e9)}`,
              timestamp: '2026-01-01T00:00:00Z',
              data: {},
            }),
          ),
        }),
      ],
    ],
    () => [
      'random bytes',
      [
        request({
          headers: {
            'content-type': r.pick(['application/json', 'text/plain', 'application/x+json']),
            ...sig(),
          },
          body: r.bytes(r.int(3000)),
        }),
      ],
    ],
    () => [
      'odd target',
      [
        request({
          method: r.pick(['POST', 'GET', 'PUT', 'OPTIONS']),
          target: r.pick(TARGETS),
          headers: json,
          body: Buffer.from('{"a":1}'),
        }),
      ],
    ],
    () => [
      'upgrade',
      [
        request({
          method: 'GET',
          target: r.pick(TARGETS),
          headers: {
            connection: 'Upgrade',
            upgrade: 'websocket',
            'sec-websocket-version': '13',
            'sec-websocket-key': 'dGhlIHNhbXBsZSBub25jZQ==',
            origin: r.pick(['http://evil.example', 'null', 'http://127.0.0.1']),
          },
          length: false,
        }),
      ],
    ],
    () => [
      'null or scalar body',
      [
        request({
          headers: { ...json, ...sig() },
          body: Buffer.from(r.pick(['null', '[]', '0', '"x"', 'true', '{}', '[null]'])),
        }),
      ],
    ],
    () => [
      'deep body',
      [
        request({
          headers: { ...json, ...sig() },
          body: Buffer.from(
            r.pick([deep(1000 + r.int(20000), '[', ']'), deep(1000 + r.int(5000), '{"type":', '}', '{}')]),
          ),
        }),
      ],
    ],
    () => [
      'smuggling',
      [
        Buffer.from(
          r.pick([
            'POST / HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: 4\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\nG',
            'POST / HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: 3\r\nContent-Length: 4\r\n\r\nabcd',
            'POST / HTTP/1.1\r\nHost: 127.0.0.1\r\nTransfer-Encoding: chunked\r\nTransfer-Encoding: identity\r\n\r\n0\r\n\r\n',
            'POST / HTTP/1.1\r\nHost: 127.0.0.1\r\nTransfer-Encoding: xchunked\r\n\r\n0\r\n\r\n',
            'POST / HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: -1\r\n\r\n',
            'POST / HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Fold: a\r\n b\r\nContent-Length: 0\r\n\r\n',
            'POST / HTTP/1.1\r\nHost: 127.0.0.1\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\nabc\r\n0\r\n\r\n',
            'GET / HTTP/1.1\nHost: 127.0.0.1\nConnection: close\n\n',
          ]),
          'latin1',
        ),
      ],
    ],
    () => [
      'header flood',
      [
        request({
          headers:
            r.next() < 0.5
              ? Object.fromEntries(Array.from({ length: 2000 }, (_, i) => [`x-h${i}`, 'v']))
              : { 'x-big': 'a'.repeat(20_000 + r.int(40_000)), ...json },
          body: Buffer.from('{}'),
        }),
      ],
    ],
    () => [
      'pipelined ahead of garbage',
      [
        Buffer.concat([
          request({
            headers: json,
            body: Buffer.from(
              JSON.stringify({ type: 'work_order.created', id: `evt_${r.int(1e9)}`, data: {} }),
            ),
          }),
          Buffer.from('GARBAGE\r\n\r\n'),
        ]),
      ],
    ],
    () => [
      'hang-up mid-body',
      [
        request({ headers: json, body: Buffer.from('{"type":"work_order.created"}') }).subarray(
          0,
          60 + r.int(40),
        ),
      ],
      { hangUp: true },
    ],
    () => [
      'hang-up after body',
      [
        request({
          headers: json,
          body: Buffer.from(
            JSON.stringify({ type: 'work_order.created', id: `evt_${r.int(1e9)}`, data: {} }),
          ),
        }),
      ],
      { hangUp: true },
    ],
    () => [
      'bad host',
      [
        request({
          method: 'GET',
          target: '/__mes-webhooks/api/deliveries',
          headers: {
            host: r.pick([
              '[::1].evil.example',
              'user@127.0.0.1',
              '127.0.0.1:80x',
              '[::1',
              'localhost:99999',
            ]),
          },
          length: false,
        }),
      ],
    ],
  ];
  const [family, chunks, options = {}] = families[r.int(families.length)]();
  return { family, chunks, options };
}

/**
 * Throws `cases` seeded cases at one listener, `concurrency` at a time, restarting it if it ever
 * dies. Counts deaths, answers, and answered deliveries missing from the log.
 */
export async function runFuzz({
  cases,
  seed = 1,
  concurrency = 16,
  bin = BIN,
  deadlineMs = Infinity,
  log = () => undefined,
}) {
  const r = seeded(seed);
  const started = Date.now();
  let listener = await startListener([], { bin });
  const runs = [listener];
  let deaths = 0;
  let done = 0;
  const answeredIds = [];
  const families = {};
  const statuses = {};
  const next = async () => {
    while (done < cases && Date.now() - started < deadlineMs) {
      const { family, chunks, options } = makeCase(r);
      done++;
      const text = await raw(listener.port, chunks, { quietMs: 300, ...options });
      const { statuses: got, ids } = answersIn(text);
      families[family] = (families[family] ?? 0) + 1;
      for (const s of got) statuses[s] = (statuses[s] ?? 0) + 1;
      for (const id of ids) answeredIds.push({ id, logFile: listener.logFile });
      if (!listener.alive()) {
        deaths++;
        log(`listener died after a "${family}" case: ${listener.stderr().slice(-500)}`);
        listener = await startListener([], { bin });
        runs.push(listener);
      }
      if (done % 5000 === 0) log(`${done} cases`);
    }
  };
  await Promise.all(Array.from({ length: concurrency }, next));
  const stops = await Promise.all(runs.map((run) => run.stop()));
  const logged = new Map(runs.map((run) => [run.logFile, loggedIds(run.logFile)]));
  const unlogged = answeredIds.filter(({ id, logFile }) => !logged.get(logFile).has(id));
  return {
    cases: done,
    seconds: (Date.now() - started) / 1000,
    deaths,
    answered: answeredIds.length,
    unlogged: unlogged.length,
    exitCodes: stops.map((s) => s.code),
    families,
    statuses,
  };
}

/** A delivery a sender would make: an unsigned MES envelope with its own event id. */
export function envelopeRequest(n) {
  const body = Buffer.from(
    JSON.stringify({
      type: 'work_order.created',
      id: `evt_${n}`,
      timestamp: '2026-01-01T00:00:00Z',
      data: { n },
    }),
  );
  return request({ headers: { 'content-type': 'application/json' }, body });
}

/**
 * One kill -9 round: `concurrency` senders post deliveries until the listener is killed with
 * SIGKILL after `afterMs`; then every delivery that was answered 2xx is looked for in the log.
 */
export async function killRound({ bin = BIN, afterMs = 1500, concurrency = 32 } = {}) {
  const listener = await startListener([], { bin });
  const acknowledged = [];
  let stopped = false;
  let n = 0;
  const sender = async () => {
    while (!stopped) {
      const text = await raw(listener.port, [envelopeRequest(n++)], { quietMs: 50, firstByteMs: 2000 });
      const { statuses, ids } = answersIn(text);
      if (statuses[0] >= 200 && statuses[0] < 300 && ids[0]) acknowledged.push(ids[0]);
    }
  };
  const killer = new Promise((resolve) =>
    setTimeout(() => {
      listener.child.kill('SIGKILL');
      stopped = true;
      resolve();
    }, afterMs),
  );
  await Promise.all([killer, ...Array.from({ length: concurrency }, sender)]);
  await listener.exited;
  const logged = loggedIds(listener.logFile);
  return {
    answered2xx: acknowledged.length,
    logged: logged.size,
    lost: acknowledged.filter((id) => !logged.has(id)).length,
  };
}
