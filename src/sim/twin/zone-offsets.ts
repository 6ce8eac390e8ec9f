import { HOUR_MS, DAY_MS } from '../../domain/durations.js';

/**
 * A time zone's offset from UTC, by UTC day, looked up once per zone and day for the whole process
 * (Intl is slow; every replication of a what-if asks the same days again). The offset at noon UTC
 * stands for the day, which places a daylight-saving change at most a few hours off.
 */
class ZoneOffsets {
  /** Offsets from `firstKey` on (NaN: not looked up yet). */
  private offsets: Float64Array = new Float64Array(0);
  private firstKey = 0;
  private readonly format: Intl.DateTimeFormat;

  constructor(timeZone: string) {
    this.format = new Intl.DateTimeFormat('en-US', {
      timeZone, hourCycle: 'h23', year: 'numeric', month: 'numeric', day: 'numeric', hour: 'numeric', minute: 'numeric', second: 'numeric',
    });
  }

  /** Local time minus UTC on UTC day `key`, in milliseconds (e.g. +1 h in Berlin in winter). */
  of(key: number): number {
    let i = key - this.firstKey;
    if (i < 0 || i >= this.offsets.length) i = this.grow(key);
    if (Number.isNaN(this.offsets[i]!)) this.fillWeek(key);
    return this.offsets[i]!;
  }

  /** A zone changes its offset at most twice a year: a week with the same offset at both ends is filled at once (within the table). */
  private fillWeek(key: number): void {
    const week = Math.floor(key / 7) * 7;
    const first = this.probe(week);
    const same = this.probe(week + 7) === first;
    for (let day = week; day < week + 7; day++) {
      const i = day - this.firstKey;
      if (i >= 0 && i < this.offsets.length) this.offsets[i] = same ? first : this.probe(day);
    }
  }

  private probe(key: number): number {
    const at = key * DAY_MS + 12 * HOUR_MS;
    const p = Object.fromEntries(this.format.formatToParts(new Date(at)).map((x) => [x.type, Number(x.value)]));
    return Date.UTC(p.year!, p.month! - 1, p.day!, p.hour!, p.minute!, p.second!) - at;
  }

  /** Makes room for `key` (a few years around it at a time); returns its index. */
  private grow(key: number): number {
    const had = this.offsets.length > 0;
    const from = Math.min(key, had ? this.firstKey : key) - 366;
    const to = Math.max(key, had ? this.firstKey + this.offsets.length : key) + 3 * 366;
    const next = new Float64Array(to - from).fill(NaN);
    if (had) next.set(this.offsets, this.firstKey - from);
    this.offsets = next;
    this.firstKey = from;
    return key - from;
  }
}

const zones = new Map<string, ZoneOffsets>();

export function zoneOffsets(timeZone: string): ZoneOffsets {
  let zone = zones.get(timeZone);
  if (!zone) zones.set(timeZone, (zone = new ZoneOffsets(timeZone)));
  return zone;
}
