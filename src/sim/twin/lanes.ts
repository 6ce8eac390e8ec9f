import { HOUR_MS, DAY_MS } from '../../domain/durations.js';
import type { Incident } from '../scenario/incidents.js';
import type { Lane } from '../scenario/network.js';
import type { Scenario } from '../scenario/scenario.js';
import type { Random } from '../../domain/random.js';
import { sample, typical } from './sample.js';
import type { LegPlan } from './world.js';

type Disruption = Extract<Incident, { kind: 'lane-disruption' }>;

/**
 * Courier lanes. A leg from one site to another takes the most specific lane rule that matches
 * (a site id beats an `@region`, which beats `*`); a disruption incident active when the leg starts
 * replaces the lane's disruption odds and delay.
 */
export class Lanes {
  private readonly region: Map<string, string>;
  private readonly cache = new Map<string, Lane>();
  private readonly disruptions: Disruption[];

  constructor(
    private readonly scenario: Scenario,
    private readonly start: number,
  ) {
    const { apheresisCentres, treatmentCentres, facilities } = scenario.network;
    this.region = new Map([...apheresisCentres, ...treatmentCentres, ...facilities].map((s) => [s.id, s.region]));
    this.disruptions = scenario.incidents.filter((i): i is Disruption => i.kind === 'lane-disruption');
  }

  plan(from: string, to: string, factor: number, at: number, rng: Random): LegPlan {
    const lane = this.rule(from, to);
    let hours = sample(lane.transitHours, rng) * factor;
    const incident = this.disruptions.find((d) => this.score(d.from, from) >= 0 && this.score(d.to, to) >= 0 && this.active(d, at));
    const [probability, delay] = incident ? [incident.disruptionProbability, incident.disruptionDelayHours] : [lane.disruptionProbability, lane.disruptionDelayHours];
    if (rng.chance(probability)) hours += sample(delay, rng);
    return { laneId: `${from}>${to}`, transitMs: hours * HOUR_MS };
  }

  typicalMs(from: string, to: string, factor: number): number {
    return typical(this.rule(from, to).transitHours) * factor * HOUR_MS;
  }

  /** The lane rule a leg from `from` to `to` follows (also for sites the scenario does not list: `*`). */
  rule(from: string, to: string): Lane {
    const key = `${from}>${to}`;
    let lane = this.cache.get(key);
    if (!lane) {
      let best = -1;
      for (const candidate of this.scenario.network.lanes) {
        const f = this.score(candidate.from, from);
        const t = this.score(candidate.to, to);
        if (f >= 0 && t >= 0 && f + t > best) {
          best = f + t;
          lane = candidate;
        }
      }
      if (!lane) throw new Error(`No courier lane from ${from} to ${to}: add one (or a "*" rule) to the scenario.`);
      this.cache.set(key, lane);
    }
    return lane;
  }

  private score(pattern: string, site: string): number {
    if (pattern === site) return 2;
    if (pattern.startsWith('@')) return this.region.get(site) === pattern.slice(1) ? 1 : -1;
    return pattern === '*' ? 0 : -1;
  }

  private active(d: Disruption, at: number): boolean {
    const from = this.start + d.startDay * DAY_MS;
    return at >= from && at < from + d.days * DAY_MS;
  }
}
