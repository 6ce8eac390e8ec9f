/**
 * Runs `task` every `intervalMs`, the first time after `firstInMs`; a run never overlaps the next,
 * and `stop` waits for the run in progress. The task reports its own failures: the next run is the retry.
 */
export function repeatEvery(intervalMs: number, task: () => Promise<void>, firstInMs = intervalMs): { stop(): Promise<void> } {
  let stopping = false;
  let timer: NodeJS.Timeout | undefined;
  let running: Promise<void> = Promise.resolve();
  const tick = () => {
    running = task().finally(() => {
      if (!stopping) timer = setTimeout(tick, intervalMs);
    });
  };
  timer = setTimeout(tick, firstInMs);
  return {
    async stop() {
      stopping = true;
      clearTimeout(timer);
      await running;
    },
  };
}
