/**
 * Runs `fn` over `items` with at most `limit` calls in flight and returns the results in input
 * order. The first failure stops new calls from starting and is what the promise rejects with.
 */
export async function mapConcurrent<T, R>(
  items: readonly T[],
  limit: number,
  fn: (item: T, index: number) => Promise<R>,
  signal?: AbortSignal,
): Promise<R[]> {
  const results = new Array<R>(items.length);
  let nextIndex = 0;
  let failed = false;
  let firstError: unknown;
  const worker = async (): Promise<void> => {
    while (!failed && nextIndex < items.length) {
      const i = nextIndex++;
      try {
        signal?.throwIfAborted();
        results[i] = await fn(items[i], i);
      } catch (e) {
        if (!failed) firstError = e;
        failed = true;
        return;
      }
    }
  };
  const workers = Array.from({ length: Math.max(1, Math.min(limit, items.length)) }, worker);
  // Wait for every worker so none is still writing when the caller sees the rejection.
  await Promise.all(workers);
  if (failed) throw firstError;
  return results;
}
