// What one run of the digital twin produces: the contract between the simulation (src/sim/twin/)
// and what consumes it (history mode's PostgreSQL writer, what-if KPIs, forecast by simulation).
// The records themselves are the domain's (a batch's journey, a unit and its maintenance and
// telemetry), so the forecasts read them without knowing the twin.
import type { BatchJourneyRecord } from '../domain/batch/journey-record.js';
import type { DailyTelemetrySummary, EquipmentUnit, MaintenanceRecord } from '../domain/equipment.js';

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
  /** One per simulated patient; `patientRef` is made by the twin (`sim-<seed>-<n>`). */
  batches: BatchJourneyRecord[];
  equipment: EquipmentUnit[];
  maintenance: MaintenanceRecord[];
  telemetry: DailyTelemetrySummary[];
  /** The patients KPIs count: enrolled from the end of the warm-up to the end of enrolment. */
  kpiWindow?: { from: string; to: string };
  resourceUse?: ResourceUse[];
}
