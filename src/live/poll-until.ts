/**
 * Asks `probe` every `intervalMs` until it says yes or `timeoutMs` has passed; resolves to whether
 * it said yes, so each caller decides what a wait that ran out means.
 */
export async function pollUntil(probe: () => Promise<boolean>, options: { intervalMs: number; timeoutMs: number }): Promise<boolean> {
  const deadline = Date.now() + options.timeoutMs;
  for (;;) {
    if (await probe()) return true;
    if (Date.now() >= deadline) return false;
    await new Promise((resolve) => setTimeout(resolve, options.intervalMs));
  }
}
