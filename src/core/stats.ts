/** The p-th percentile (0–100) of a list of numbers, nearest-rank. */
export function percentile(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) return 0;
  const rank = Math.ceil((p / 100) * sorted.length);
  return sorted[Math.min(sorted.length - 1, Math.max(0, rank - 1))]!;
}

export interface LoadSummary {
  total: number;
  ok: number;
  failed: number;
  elapsedMs: number;
  requestsPerSecond: number;
  p50: number;
  p95: number;
  p99: number;
}

export function summarize(latenciesMs: readonly number[], ok: number, elapsedMs: number): LoadSummary {
  const sorted = [...latenciesMs].sort((a, b) => a - b);
  const round = (n: number) => Math.round(n * 100) / 100;
  return {
    total: latenciesMs.length,
    ok,
    failed: latenciesMs.length - ok,
    elapsedMs: round(elapsedMs),
    requestsPerSecond: elapsedMs > 0 ? round((latenciesMs.length / elapsedMs) * 1000) : 0,
    p50: round(percentile(sorted, 50)),
    p95: round(percentile(sorted, 95)),
    p99: round(percentile(sorted, 99)),
  };
}
