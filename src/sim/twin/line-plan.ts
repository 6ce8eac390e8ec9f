import { DAY_MS } from '../../domain/durations.js';

/**
 * A facility's manufacturing plan: how many lines are promised on each day. Manufacturers
 * allocate a slot when apheresis is booked, so that fresh material, which keeps for hours, finds a
 * line on arrival; cryopreserved material keeps and is collected when the patient is ready, its
 * slot perhaps days after it arrives. The plan is in whole days; the lines themselves (FacilityModel)
 * take whatever the runs really take.
 */
export class LinePlan {
  /** Lines promised per day, from day `first` (days since the epoch, UTC). */
  private promised = new Int16Array(0);
  private first = 0;

  constructor(private readonly lines: (day: number) => number) {}

  /** Promises a line for `days` days from the first day on or after `from` that has one free throughout; returns that day. */
  reserve(from: number, days: number): number {
    const length = Math.max(1, Math.ceil(days));
    let start = Math.floor(from / DAY_MS);
    for (let guard = 0; guard < 3650; guard++) {
      const full = this.firstFullDay(start, length);
      if (full === undefined) {
        this.add(start, length, 1);
        return start;
      }
      start = full + 1;
    }
    throw new Error('No line free in the next ten years: a facility with no lines?');
  }

  /** Lines not yet promised on a day (UTC days since the epoch). */
  free(day: number): number {
    return Math.max(0, this.lines(day) - this.at(day));
  }

  /** Promises a line on exactly these days (a planned chain's window); the planner has checked it is free. */
  hold(start: number, days: number): void {
    this.add(start, Math.max(1, Math.ceil(days)), 1);
  }

  /** Gives back the promise from `fromDay` (the days not yet used) to the end of the reservation. */
  release(start: number, days: number, fromDay = start): void {
    const end = start + Math.max(1, Math.ceil(days));
    const from = Math.max(start, fromDay);
    if (from < end) this.add(from, end - from, -1);
  }

  private firstFullDay(start: number, length: number): number | undefined {
    let full: number | undefined;
    for (let day = start; day < start + length; day++) if (this.at(day) >= this.lines(day)) full = day;
    return full;
  }

  private at(day: number): number {
    const i = day - this.first;
    return i >= 0 && i < this.promised.length ? this.promised[i]! : 0;
  }

  private add(start: number, length: number, delta: number): void {
    if (this.promised.length === 0) this.first = start - 30;
    const end = start + length;
    if (start < this.first || end > this.first + this.promised.length) {
      const first = Math.min(this.first, start - 30);
      const next = new Int16Array(Math.max(this.first + this.promised.length, end + 400) - first);
      next.set(this.promised, this.first - first);
      this.promised = next;
      this.first = first;
    }
    for (let day = start; day < end; day++) this.promised[day - this.first]! += delta;
  }
}
