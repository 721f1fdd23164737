// npm run fuzz: the long hostile run against the built listener (test/hostile/harness.mjs has the
// cases), then kill -9 rounds under load. Environment: FUZZ_CASES (default 100000), FUZZ_SEED,
// FUZZ_CONCURRENCY (default 32), KILL_ROUNDS (default 5).
import { killRound, runFuzz } from '../test/hostile/harness.mjs';

const cases = Number(process.env.FUZZ_CASES ?? 100_000);
const seed = Number(process.env.FUZZ_SEED ?? 12);
const concurrency = Number(process.env.FUZZ_CONCURRENCY ?? 32);
const rounds = Number(process.env.KILL_ROUNDS ?? 5);

const fuzz = await runFuzz({ cases, seed, concurrency, log: (line) => console.error(line) });
console.log(JSON.stringify({ fuzz }, null, 2));

const kills = [];
for (let i = 0; i < rounds; i++) kills.push(await killRound({ afterMs: 3000, concurrency: 32 }));
const total = kills.reduce(
  (sum, k) => ({
    answered2xx: sum.answered2xx + k.answered2xx,
    logged: sum.logged + k.logged,
    lost: sum.lost + k.lost,
  }),
  { answered2xx: 0, logged: 0, lost: 0 },
);
console.log(JSON.stringify({ kills, total }, null, 2));
process.exitCode = fuzz.deaths === 0 && fuzz.unlogged === 0 && total.lost === 0 ? 0 : 1;
