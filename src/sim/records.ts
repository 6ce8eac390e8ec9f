// What one run of the digital twin produces: the contract between the simulation (src/sim/twin/)
// and what consumes it (history mode's PostgreSQL writer, what-if KPIs, forecast by simulation).
import type { JourneyCommand, JourneyEvent, JourneyInput, JourneyState } from '../domain/batch/index.js';
import type { EQUIPMENT_KINDS } from '../domain/stages.js';

/** One simulated patient's batch: every command the twin sent its decider, and every event decided. */
export interface SimulatedBatch {
  input: JourneyInput;
  /** Pseudonymous, made by the twin (e.g. `sim-<seed>-<n>`): never anything like a real reference. */
  patientRef: string;
  enrolledAt: string;
  /** In the order sent; replaying them through `decide`/`evolve` from `initialState(input, enrolledAt)` gives `final`. */
  commands: JourneyCommand[];
  events: JourneyEvent[];
  final: JourneyState;
  /** What the twin drew for this batch that the journey does not hold (forecast features, KPIs). */
  attributes: {
    laneOutboundId: string;
    laneReturnId: string;
    /** Viable cells collected, in 10^9. */
    cellYield: number;
    equipmentId?: string;
    /** Did not proceed to infusion (progression, death, ineligibility): why, if so. */
    notInfusedReason?: string;
  };
}

export type EquipmentKind = (typeof EQUIPMENT_KINDS)[number];

export interface SimulatedEquipment {
  id: string;
  siteId: string;
  kind: EquipmentKind;
  installedAt: string;
}

/** A failure, a repair or a scheduled service of one piece of equipment. */
export interface MaintenanceRecord {
  equipmentId: string;
  kind: 'failure' | 'repair' | 'service';
  at: string;
  /** Hours the unit was out of service because of it (failures and services). */
  downtimeHours?: number;
}

/** One day of one metric of one piece of equipment, summarised as the forecasts' features need it. */
export interface DailyTelemetrySummary {
  equipmentId: string;
  /** UTC calendar day, YYYY-MM-DD. */
  day: string;
  metric: string;
  n: number;
  mean: number;
  min: number;
  max: number;
  stddev: number;
  /** Minutes out of the unit's limits that day. */
  minutesOutOfRange: number;
}

/** How much of a resource the network used over the KPI window, in resource-days. */
export interface ResourceUse {
  siteId: string;
  resource: 'line' | 'apheresis-chair' | 'infusion-chair';
  usedDays: number;
  offeredDays: number;
}

export interface SimulationResult {
  scenario: string;
  seed: number;
  startAt: string;
  endAt: string;
  batches: SimulatedBatch[];
  equipment: SimulatedEquipment[];
  maintenance: MaintenanceRecord[];
  telemetry: DailyTelemetrySummary[];
  /** The patients KPIs count: enrolled from the end of the warm-up to the end of enrolment. */
  kpiWindow?: { from: string; to: string };
  resourceUse?: ResourceUse[];
}
