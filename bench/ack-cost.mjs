// What acknowledging after logging costs: `listen` throughput of another build (BEFORE_BIN, e.g.
// one built from before the change) against this one, in one run, alternating, with autocannon
// -c 32 (its CLI, in its own process) for ACK_SECONDS (default 5) each, ACK_ROUNDS (default 2)
// times. Both log to disk.
import { autocannon, BIN } from './lib.mjs';
import { startListener } from '../test/hostile/harness.mjs';

const before = process.env.BEFORE_BIN;
if (!before) throw new Error('set BEFORE_BIN to the bin/mes-webhooks.js of the build to compare with');
const seconds = Number(process.env.ACK_SECONDS ?? 5);
const rounds = Number(process.env.ACK_ROUNDS ?? 2);
const body = JSON.stringify({
  type: 'work_order.created',
  id: 'evt_bench',
  timestamp: '2026-01-01T00:00:00Z',
  data: {},
});

async function rate(bin) {
  const listener = await startListener([], { bin });
  try {
    const result = await autocannon(`http://127.0.0.1:${listener.port}/`, {
      headers: { 'content-type': 'application/json' },
      body,
      connections: 32,
      duration: seconds,
    });
    return { rps: result.rate, p99ms: result.p99 };
  } finally {
    await listener.stop();
    listener.remove();
  }
}

const results = { before: [], after: [] };
for (let i = 0; i < rounds; i++) {
  results.before.push(await rate(before));
  results.after.push(await rate(BIN));
}
const mean = (list) => list.reduce((a, b) => a + b.rps, 0) / list.length;
console.log(
  JSON.stringify(
    {
      ...results,
      beforeRps: mean(results.before),
      afterRps: mean(results.after),
      ratio: mean(results.after) / mean(results.before),
    },
    null,
    2,
  ),
);
