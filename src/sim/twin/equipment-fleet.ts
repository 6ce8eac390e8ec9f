import { HOUR_MS, DAY_MS } from '../../domain/durations.js';
import type { EquipmentUnit, MaintenanceRecord } from '../../domain/equipment.js';
import { cumulativeHazard } from '../../domain/equipment-wear.js';
import type { EquipmentParameters, SimulatedEquipmentKind } from '../scenario/equipment-parameters.js';
import type { EventQueue } from './event-queue.js';
import { Random } from '../../domain/random.js';
import { sample } from './sample.js';

/** One unit's wear: a Weibull hazard in effective age, which runs faster while the unit is in use. */
export interface Unit extends EquipmentUnit {
  kind: SimulatedEquipmentKind;
  inUse: boolean;
  down: boolean;
  /** Effective age in days at `ageAt`. */
  age: number;
  ageAt: number;
  /** The effective age at which it fails next (drawn after each repair or service). */
  failsAtAge: number;
  serviceDue: boolean;
  failures: number[];
  version: number;
  rng: Random;
}

export interface FleetListener {
  /** A unit stopped: it failed (and may harm what it holds) or went for service. */
  down(unit: Unit, cause: 'failure' | 'service'): void;
  up(unit: Unit): void;
}

/**
 * The network's bioreactors, freezers, LN2 tanks and dry shippers. Each ages (faster in use),
 * fails when its effective age reaches a Weibull draw (so the hazard rises with age and use), is
 * repaired (imperfectly: a repair removes only part of the age) and serviced on a schedule.
 */
export class EquipmentFleet {
  readonly units: Unit[] = [];
  readonly maintenance: MaintenanceRecord[] = [];

  constructor(
    private readonly queue: EventQueue,
    private readonly params: EquipmentParameters,
    private readonly seed: number,
    private readonly listener: FleetListener,
  ) {}

  add(kind: SimulatedEquipmentKind, siteId: string, index: number): Unit {
    const id = `${siteId}-${kind.replace('_', '-')}-${String(index + 1).padStart(2, '0')}`;
    const rng = Random.stream(this.seed, 'equipment', id);
    const now = this.queue.now;
    const age = sample(this.params.initialAgeDays, rng);
    const unit: Unit = { id, siteId, kind, installedAt: new Date(now - age * DAY_MS).toISOString(), inUse: false, down: false, age, ageAt: now, failsAtAge: 0, serviceDue: false, failures: [], version: 0, rng };
    this.redraw(unit);
    this.scheduleFailure(unit);
    // Services are staggered: each unit is somewhere in its interval when the simulation starts.
    const interval = this.params[kind].serviceIntervalDays * DAY_MS;
    this.serviceAt(unit, now + rng.uniform() * interval);
    this.units.push(unit);
    return unit;
  }

  setInUse(unit: Unit, inUse: boolean): void {
    this.age(unit);
    unit.inUse = inUse;
    if (!inUse && unit.serviceDue && !unit.down) this.service(unit);
    else this.scheduleFailure(unit);
  }

  private rate(unit: Unit): number {
    if (unit.down) return 0;
    return unit.inUse ? 1 + this.params[unit.kind].useAgeing : 1;
  }

  private age(unit: Unit): void {
    const now = this.queue.now;
    unit.age += ((now - unit.ageAt) / DAY_MS) * this.rate(unit);
    unit.ageAt = now;
  }

  /** Next failure age: conditional on surviving to the current age, by inverting the Weibull cumulative hazard. */
  private redraw(unit: Unit): void {
    const p = this.params[unit.kind];
    unit.failsAtAge = p.characteristicLifeDays * Math.pow(cumulativeHazard(unit.age, p) + unit.rng.exponential(1), 1 / p.weibullShape);
  }

  private scheduleFailure(unit: Unit): void {
    const version = ++unit.version;
    const rate = this.rate(unit);
    if (rate === 0) return;
    this.queue.at(this.queue.now + ((unit.failsAtAge - unit.age) / rate) * DAY_MS, () => {
      if (version === unit.version) this.fail(unit);
    });
  }

  private fail(unit: Unit): void {
    this.age(unit);
    const p = this.params[unit.kind];
    const downtimeHours = sample(p.repairHours, unit.rng);
    unit.down = true;
    unit.version++;
    unit.failures.push(this.queue.now);
    this.maintenance.push({ equipmentId: unit.id, kind: 'failure', at: new Date(this.queue.now).toISOString(), downtimeHours: round(downtimeHours) });
    this.listener.down(unit, 'failure');
    this.queue.at(this.queue.now + downtimeHours * HOUR_MS, () => {
      this.maintenance.push({ equipmentId: unit.id, kind: 'repair', at: new Date(this.queue.now).toISOString() });
      this.backUp(unit, p.repairRestores);
    });
  }

  private serviceAt(unit: Unit, at: number): void {
    this.queue.at(at, () => {
      this.serviceAt(unit, this.queue.now + this.params[unit.kind].serviceIntervalDays * DAY_MS);
      if (unit.down) return;
      if (unit.inUse) unit.serviceDue = true;
      else this.service(unit);
    });
  }

  private service(unit: Unit): void {
    this.age(unit);
    const p = this.params[unit.kind];
    const downtimeHours = sample(p.serviceHours, unit.rng);
    unit.serviceDue = false;
    unit.down = true;
    unit.version++;
    this.maintenance.push({ equipmentId: unit.id, kind: 'service', at: new Date(this.queue.now).toISOString(), downtimeHours: round(downtimeHours) });
    this.listener.down(unit, 'service');
    this.queue.at(this.queue.now + downtimeHours * HOUR_MS, () => this.backUp(unit, p.serviceRestores));
  }

  private backUp(unit: Unit, restores: number): void {
    unit.ageAt = this.queue.now;
    unit.down = false;
    unit.age *= 1 - restores;
    this.redraw(unit);
    this.scheduleFailure(unit);
    this.listener.up(unit);
  }

  /** The units as records (without their simulation state). */
  records(): EquipmentUnit[] {
    return this.units.map(({ id, siteId, kind, installedAt }) => ({ id, siteId, kind, installedAt }));
  }
}

const round = (hours: number) => Math.round(hours * 100) / 100;
