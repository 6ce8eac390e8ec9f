import { isCryogenic } from '../domain/excursions/rules.js';
import type { ShipmentLeg } from '../domain/profile.js';
import type { SensorReading } from '../ingest/contract.js';
import type { Random } from '../domain/random.js';

/**
 * What a simulated sensor reads: a nominal value with noise, and, during an incident, a spell that
 * carries the value out of range and back. Pure functions of the wall clock, so the gateway only
 * asks each channel for its value now.
 */
type NumericReading = Extract<SensorReading, { value: number }>;

export interface Channel {
  metric: NumericReading['metric'];
  unit: string;
  value(now: number): number;
}

/** When an incident's readings are off, in real milliseconds since the epoch. */
export interface Spell {
  startsAt: number;
  durationMs: number;
}

export const spellEndsAt = (spell: Spell) => spell.startsAt + spell.durationMs;

/**
 * 0 outside the spell, rising to 1 over the first `ramp` share of it, 1 on its plateau and falling
 * back over the last share: a shipper warming and being re-iced, a controller drifting and corrected.
 */
export function spellShape(now: number, spell: Spell | undefined, ramp: number): number {
  if (!spell) return 0;
  const t = (now - spell.startsAt) / spell.durationMs;
  if (t <= 0 || t >= 1) return 0;
  return Math.min(1, t / ramp, (1 - t) / ramp);
}

/** The logger in a shipper: temperature, and the tilt of a dry shipper; warming past the limit during an excursion. */
export function legChannels(leg: ShipmentLeg, random: Random, excursion?: Spell): Channel[] {
  const range = leg.tempMaxC - leg.tempMinC;
  const cryogenic = isCryogenic(leg);
  // A dry shipper holds near the nitrogen vapour's temperature; a chilled box near the middle of its range.
  const nominal = cryogenic ? leg.tempMinC + 0.12 * range : (leg.tempMinC + leg.tempMaxC) / 2;
  const noise = cryogenic ? 1 : 0.3;
  const peak = leg.tempMaxC + Math.max(3, 0.3 * range);
  const channels: Channel[] = [
    { metric: 'temperature_c', unit: 'C', value: (now) => round(nominal + spellShape(now, excursion, 0.2) * (peak - nominal) + noise * random.normal()) },
  ];
  if (cryogenic) channels.push({ metric: 'tilt_deg', unit: 'deg', value: () => round(Math.abs(4 + 2 * random.normal())) });
  return channels;
}

/** A bioreactor's probes, inside the equipment's default limits; a degrading one's pH drifts low and grows noisy. */
export function bioreactorChannels(random: Random, drift?: Spell): Channel[] {
  const phNoise = (now: number) => 0.02 * (1 + 3 * spellShape(now, drift, 0.4));
  return [
    { metric: 'ph', unit: 'pH', value: (now) => round(7.1 - 0.5 * spellShape(now, drift, 0.4) + phNoise(now) * random.normal(), 3) },
    { metric: 'dissolved_oxygen_pct', unit: '%', value: () => round(45 + 1.5 * random.normal()) },
    { metric: 'temperature_c', unit: 'C', value: () => round(37 + 0.08 * random.normal()) },
  ];
}

const round = (x: number, digits = 2) => Number(x.toFixed(digits));
