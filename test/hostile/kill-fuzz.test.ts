// kill -9 under load, and a seeded fuzz run: the listener never dies, and nothing it answered is missing from its log.
import { describe, expect, it } from 'vitest';
import { killRound, runFuzz } from './harness.mjs';

describe('kill -9 mid-load', () => {
  it('loses no delivery that was answered 2xx (2 rounds)', async () => {
    for (let round = 0; round < 2; round++) {
      const result = await killRound({ afterMs: 1500, concurrency: 32 });
      expect(result.answered2xx).toBeGreaterThan(0);
      expect(result.lost, JSON.stringify(result)).toBe(0);
      expect(result.logged).toBeGreaterThanOrEqual(result.answered2xx);
    }
  }, 60_000);
});

describe('seeded fuzz', () => {
  it('10,000 hostile cases: zero deaths, zero answered-but-unlogged deliveries', async () => {
    const result = await runFuzz({ cases: 10_000, seed: 20261122, concurrency: 32, deadlineMs: 150_000 });
    expect(result.deaths, JSON.stringify(result)).toBe(0);
    expect(result.unlogged, JSON.stringify(result)).toBe(0);
    expect(result.cases).toBe(10_000);
    expect(result.answered).toBeGreaterThan(1000);
    expect(result.exitCodes).toEqual([0]);
  }, 180_000);
});
