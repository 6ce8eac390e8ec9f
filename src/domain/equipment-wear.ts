import type { EquipmentKind } from './equipment.js';

/**
 * How a kind of equipment wears out: failures follow a Weibull hazard in effective age, and a
 * repair or a service takes back a share of that age. The twin draws its failures from this model
 * and the maintenance forecasts are measured against it (the twin's own odds as the yardstick), so
 * it lives in the domain: a scenario's parameters fit it, and neither side imports the other.
 */
export interface WearModel {
  /** > 1 means wear-out, the hazard rising with age. */
  weibullShape: number;
  /** Effective age, days, by which 63 % of units have failed. */
  characteristicLifeDays: number;
  /** Share of effective age a repair removes (0: as bad as old, 1: as good as new). */
  repairRestores: number;
  serviceRestores: number;
}

/** The wear model of each kind that wears out; a kind left out (the generic `shipper`) does not. */
export type FleetWear = Partial<Record<EquipmentKind, WearModel>>;

/**
 * The Weibull cumulative hazard at an effective age (days): the twin draws failure ages by
 * inverting it, and the maintenance yardstick reads a unit's failure odds from it.
 */
export const cumulativeHazard = (ageDays: number, p: Pick<WearModel, 'weibullShape' | 'characteristicLifeDays'>) =>
  Math.pow(ageDays / p.characteristicLifeDays, p.weibullShape);
