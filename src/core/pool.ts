/** Runs `work` over `count` items with at most `concurrency` in flight; resolves when all are done. */
export async function runPool(
  count: number,
  concurrency: number,
  work: (index: number) => Promise<void>,
): Promise<void> {
  let next = 0;
  const worker = async () => {
    while (next < count) await work(next++);
  };
  await Promise.all(Array.from({ length: Math.max(0, Math.min(concurrency, count)) }, worker));
}
