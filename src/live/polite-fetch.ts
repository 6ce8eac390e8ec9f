/**
 * Live mode's partners call the API as real clients do: told to slow down (429, the per-caller or
 * per-address budget), they wait the Retry-After and ask again. Harmless for any method: the
 * budget refuses a call before its handler runs, so nothing of it was applied. A read that finds a
 * service briefly unreachable (503, e.g. a Temporal server too busy to answer a query in time) is
 * asked again too; a write that met a 503 is not, since the caller must decide whether it applied.
 */
const MAX_RETRIES = 6;
const MAX_WAIT_MS = 10_000;

export const politeFetch: typeof globalThis.fetch = async (input, init) => {
  const original = new Request(input, init);
  for (let attempt = 0; ; attempt++) {
    const response = await globalThis.fetch(original.clone());
    const safeRead = original.method === 'GET' || original.method === 'HEAD';
    if (!(response.status === 429 || (response.status === 503 && safeRead)) || attempt >= MAX_RETRIES) return response;
    const seconds = Number(response.headers.get('retry-after'));
    await response.body?.cancel();
    await new Promise((resolve) => setTimeout(resolve, Math.min(Number.isFinite(seconds) && seconds > 0 ? seconds * 1000 : 1000, MAX_WAIT_MS)));
  }
};
