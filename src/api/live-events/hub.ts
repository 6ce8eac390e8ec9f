import type pg from 'pg';
import { currentCursor, readChanges, type PositionedEvent } from './changes.js';
import type { Cursor } from './cursor.js';
import { SkippedIds } from './skipped-ids.js';

export interface LiveSubscriber {
  /** New changes, in order; called synchronously as each poll lands. */
  deliver(events: readonly PositionedEvent[]): void;
  /** The hub is closing (the app is shutting down): end the stream. */
  close(): void;
}

/**
 * One poller per app, shared by every open stream: the database sees one small query a second however
 * many dashboards are open, and each stream filters the fan-out for its caller in memory. It polls
 * only while someone listens. The ids a read skipped are asked for again for a while (skipped-ids.ts),
 * so a row committed after a later one still reaches the streams.
 */
export class LiveEventHub {
  private readonly subscribers = new Set<LiveSubscriber>();
  private cursor: Cursor | undefined;
  private readonly skipped = new SkippedIds();
  private timer: NodeJS.Timeout | undefined;
  private polling: Promise<void> | undefined;
  private closed = false;

  constructor(
    private readonly pool: pg.Pool,
    private readonly intervalMs: number,
    private readonly onError: (err: unknown) => void,
  ) {}

  /**
   * Adds a subscriber and returns the cursor its live feed starts after: everything up to it is
   * the subscriber's to replay (readChanges), everything after arrives through `deliver`.
   */
  async subscribe(subscriber: LiveSubscriber): Promise<Cursor> {
    if (this.closed) throw new Error('The live event hub is closed.');
    this.cursor ??= await currentCursor(this.pool);
    this.subscribers.add(subscriber);
    this.timer ??= setInterval(() => void this.poll(), this.intervalMs);
    return this.cursor;
  }

  unsubscribe(subscriber: LiveSubscriber): void {
    this.subscribers.delete(subscriber);
    if (this.subscribers.size > 0) return;
    // Nobody listens: the next subscriber starts from where the sources stand then, not from here.
    this.stopTimer();
    // The skipped ids stay watched (they expire by themselves): a client reconnecting after the last one
    // left may have been sent ids beyond one that commits now.
    this.cursor = undefined;
  }

  /** Ends every stream and stops polling; waits for a poll in flight so no query outlives the pool. */
  async close(): Promise<void> {
    this.closed = true;
    this.stopTimer();
    for (const subscriber of this.subscribers) subscriber.close();
    this.subscribers.clear();
    await this.polling;
  }

  private poll(): Promise<void> {
    // A slow database must not stack polls up: skip a tick while one is in flight.
    this.polling ??= this.drain()
      .catch(this.onError)
      .finally(() => (this.polling = undefined));
    return this.polling;
  }

  private async drain(): Promise<void> {
    let more = true;
    while (more && this.cursor && this.subscribers.size > 0 && !this.closed) {
      const from = this.cursor;
      const read = await readChanges(this.pool, from, undefined, this.skipped.pending(Date.now()));
      // Read from a cursor that was reset meanwhile (everyone left, someone came): stale, drop it.
      if (this.cursor !== from || this.closed) return;
      this.skipped.note(from, read.events, Date.now());
      // Cursor and fan-out move together, synchronously: a subscriber added between two polls gets
      // exactly the changes after the cursor it was given.
      this.cursor = read.cursor;
      if (read.events.length > 0) for (const subscriber of this.subscribers) subscriber.deliver(read.events);
      more = read.more;
    }
  }

  private stopTimer(): void {
    clearInterval(this.timer);
    this.timer = undefined;
  }
}
