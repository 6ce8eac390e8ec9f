/** Runs fn(0…count-1) with at most `concurrency` in flight. */
export async function pool<T>(count: number, concurrency: number, fn: (i: number) => Promise<T>): Promise<T[]> {
  const results = new Array<T>(count);
  let next = 0;
  const lanes = Array.from({ length: Math.min(concurrency, count) }, async () => {
    while (next < count) {
      const i = next++;
      results[i] = await fn(i);
    }
  });
  await Promise.all(lanes);
  return results;
}
