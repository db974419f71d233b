/**
 * Runs `fn` over `items` with at most `limit` calls in flight (the seed's asyncio.Semaphore(50) over the
 * universe, §3b Feature 7). Results keep the input order; the first failure rejects after every started
 * call has settled, so no request is left running behind the caller's back.
 */
export async function mapLimit<T, R>(
  items: readonly T[],
  limit: number,
  fn: (item: T, index: number) => Promise<R>,
): Promise<R[]> {
  const out = new Array<R>(items.length);
  let next = 0;
  let failure: { error: unknown } | null = null;
  const worker = async () => {
    while (failure === null) {
      const i = next++;
      if (i >= items.length) return;
      try {
        out[i] = await fn(items[i], i);
      } catch (error) {
        failure ??= { error };
      }
    }
  };
  const n = Math.max(1, Math.min(limit, items.length));
  await Promise.all(Array.from({ length: n }, worker));
  if (failure !== null) throw (failure as { error: unknown }).error;
  return out;
}
