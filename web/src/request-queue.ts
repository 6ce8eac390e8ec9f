/**
 * At most a few requests at a time: a board of hundreds of cards asks the API for each batch's live
 * status (a workflow query), and the API and the browser both do better with a short queue than a burst.
 */
export function requestQueue(concurrency: number) {
  let running = 0;
  const waiting: (() => void)[] = [];
  const next = () => {
    if (running >= concurrency) return;
    const start = waiting.shift();
    if (start) {
      running += 1;
      start();
    }
  };
  return function queued<T>(task: () => Promise<T>): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      waiting.push(() =>
        task()
          .then(resolve, reject)
          .finally(() => {
            running -= 1;
            next();
          }),
      );
      next();
    });
  };
}
