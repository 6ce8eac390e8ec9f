/**
 * The twin's agenda: a binary min-heap of things to do, by time, then by the order they were
 * scheduled (so two things at the same instant happen in a reproducible order).
 */
interface Entry {
  at: number;
  seq: number;
  run: () => void;
}

export class EventQueue {
  private heap: Entry[] = [];
  private seq = 0;
  /** The time of the entry being run: the simulation's clock. */
  now: number;

  constructor(start: number) {
    this.now = start;
  }

  get size(): number {
    return this.heap.length;
  }

  /** Runs `run` at `at` (never before now: the past cannot be scheduled). */
  at(at: number, run: () => void): void {
    this.push({ at: Math.max(at, this.now), seq: this.seq++, run });
  }

  /** Runs entries in order until the agenda is empty, the next one is after `until`, or `stop()` says so. */
  runUntil(until: number, stop: () => boolean = () => false): void {
    while (this.heap.length > 0 && this.heap[0]!.at <= until && !stop()) {
      const entry = this.pop();
      this.now = entry.at;
      entry.run();
    }
    if (this.now < until && Number.isFinite(until) && !stop()) this.now = until;
  }

  private push(entry: Entry): void {
    const h = this.heap;
    h.push(entry);
    let i = h.length - 1;
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if (!before(entry, h[parent]!)) break;
      h[i] = h[parent]!;
      i = parent;
    }
    h[i] = entry;
  }

  private pop(): Entry {
    const h = this.heap;
    const top = h[0]!;
    const last = h.pop()!;
    if (h.length > 0) {
      let i = 0;
      for (;;) {
        const left = 2 * i + 1;
        if (left >= h.length) break;
        const right = left + 1;
        const child = right < h.length && before(h[right]!, h[left]!) ? right : left;
        if (!before(h[child]!, last)) break;
        h[i] = h[child]!;
        i = child;
      }
      h[i] = last;
    }
    return top;
  }
}

const before = (a: Entry, b: Entry) => a.at < b.at || (a.at === b.at && a.seq < b.seq);
