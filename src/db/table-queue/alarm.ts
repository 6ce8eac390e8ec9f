/**
 * A timed wait that a wake-up can end early. A wake-up that comes while no one waits (during a
 * round) is kept until `reset`, so a row committed mid-round is not left for the next poll;
 * `interrupt` ends any wait, wakeable or not, and every later one (stopping).
 */
export class Alarm {
  private rung = false;
  private interrupted = false;
  private endWait: (() => void) | undefined;
  private wakeable = false;

  /** Called at the start of a round: what that round claims covers every earlier wake-up. */
  reset(): void {
    this.rung = false;
  }

  ring(): void {
    this.rung = true;
    if (this.wakeable) this.endWait?.();
  }

  interrupt(): void {
    this.interrupted = true;
    this.endWait?.();
  }

  wait(ms: number, options: { wakeable: boolean }): Promise<void> {
    if (this.interrupted || (options.wakeable && this.rung)) return Promise.resolve();
    return new Promise((resolve) => {
      const done = () => {
        clearTimeout(timer);
        this.endWait = undefined;
        this.wakeable = false;
        resolve();
      };
      const timer = setTimeout(done, ms);
      this.wakeable = options.wakeable;
      this.endWait = done;
    });
  }
}
