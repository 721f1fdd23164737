/**
 * Runs `work` over `count` items with at most `concurrency` in flight; resolves when all are done,
 * or, once `stopped` says so, when those already started are.
 */
export async function runPool(
  count: number,
  concurrency: number,
  work: (index: number) => Promise<void>,
  stopped: () => boolean = () => false,
): Promise<void> {
  let next = 0;
  const worker = async () => {
    while (next < count && !stopped()) await work(next++);
  };
  await Promise.all(Array.from({ length: Math.max(0, Math.min(concurrency, count)) }, worker));
}
