import { readFileSync } from 'node:fs';

/** VmRSS of a pid in kB, or undefined when it is gone. */
function rssKb(pid: number): number | undefined {
  try {
    const line = readFileSync(`/proc/${pid}/status`, 'utf8').split('\n').find((l) => l.startsWith('VmRSS:'));
    return line ? Number(line.split(/\s+/)[1]) : undefined;
  } catch {
    return undefined;
  }
}

/** Least-squares slope of y over x. */
function slope(points: [number, number][]): number {
  const n = points.length;
  const mx = points.reduce((s, [x]) => s + x, 0) / n;
  const my = points.reduce((s, [, y]) => s + y, 0) / n;
  const sxx = points.reduce((s, [x]) => s + (x - mx) ** 2, 0);
  return sxx === 0 ? 0 : points.reduce((s, [x, y]) => s + (x - mx) * (y - my), 0) / sxx;
}

export interface RssTrend {
  process: string;
  pid: number;
  samples: number;
  minutes: number;
  firstMb: number;
  lastMb: number;
  /** MB per minute, least squares over the samples after the warm-up. */
  slopeMbPerMinute: number;
}

/**
 * Samples the resident memory of each named process every `everyMs`. A process restarted by a
 * fault starts a new series (its pid changes); each series after `warmUpMs` of its life gets a slope,
 * and the longest-lived series of each name is the one that says whether memory is flat.
 */
export class RssSampler {
  private readonly series = new Map<string, { name: string; pid: number; born: number; points: [number, number][] }>();
  private readonly timer: NodeJS.Timeout;

  constructor(
    private readonly pids: () => Map<string, number | undefined>,
    everyMs = 10_000,
    private readonly warmUpMs = 120_000,
  ) {
    this.timer = setInterval(() => this.sample(), everyMs);
    this.sample();
  }

  private sample() {
    const now = Date.now();
    for (const [name, pid] of this.pids()) {
      if (pid === undefined) continue;
      const kb = rssKb(pid);
      if (kb === undefined) continue;
      const key = `${name}:${pid}`;
      const s = this.series.get(key) ?? { name, pid, born: now, points: [] };
      this.series.set(key, s);
      s.points.push([now, kb / 1024]);
    }
  }

  stop(): RssTrend[] {
    clearInterval(this.timer);
    const longest = new Map<string, RssTrend>();
    for (const s of this.series.values()) {
      const settled = s.points.filter(([t]) => t - s.born >= this.warmUpMs);
      if (settled.length < 3) continue;
      const minutes = (settled.at(-1)![0] - settled[0]![0]) / 60_000;
      const trend: RssTrend = {
        process: s.name, pid: s.pid, samples: settled.length, minutes,
        firstMb: settled[0]![1], lastMb: settled.at(-1)![1],
        slopeMbPerMinute: slope(settled.map(([t, mb]) => [t / 60_000, mb])),
      };
      if ((longest.get(s.name)?.minutes ?? -1) < minutes) longest.set(s.name, trend);
    }
    return [...longest.values()].sort((a, b) => a.process.localeCompare(b.process));
  }
}
