/**
 * Live mode's partners call the API as real clients do: told to slow down (429, the per-caller or
 * per-address budget), they wait the Retry-After and ask again. Harmless for any method: the
 * budget refuses a call before its handler runs, so nothing of it was applied.
 */
const MAX_RETRIES = 6;
const MAX_WAIT_MS = 10_000;

export const politeFetch: typeof globalThis.fetch = async (input, init) => {
  const original = new Request(input, init);
  for (let attempt = 0; ; attempt++) {
    const response = await globalThis.fetch(original.clone());
    if (response.status !== 429 || attempt >= MAX_RETRIES) return response;
    const seconds = Number(response.headers.get('retry-after'));
    await response.body?.cancel();
    await new Promise((resolve) => setTimeout(resolve, Math.min(Number.isFinite(seconds) && seconds > 0 ? seconds * 1000 : 1000, MAX_WAIT_MS)));
  }
};
