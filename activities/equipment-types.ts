// The equipment workflow's side effects, apart from the batch's: production builds them with
// equipmentActivities(deps) on PostgreSQL; workflow tests pass a fake.
import type { AssessmentMethod } from '../src/forecast/maintenance/assess-unit.js';

export interface EquipmentAssessment {
  equipmentId: string;
  at: string;
  failureProbability7d: number;
  rulDays: number | null;
  method: AssessmentMethod;
  /** The serving model's operating threshold (or the fallback rule's). */
  threshold: number;
  /** The unit's open maintenance ticket when its risk is at or above the threshold. */
  ticketId: string | null;
}

export interface EquipmentActivities {
  /**
   * The unit's risk as of the end of the last whole day before `at` (a day of `dayMs` on a compressed
   * clock: then its summaries are made from its readings in windows that long, and not stored), stored under a key derived
   * from the unit and `at` (a retry returns the stored one). At or above the threshold the unit
   * gets its one open maintenance ticket and an alert, and new manufacturing slots skip its line.
   */
  assessEquipment(input: { equipmentId: string; at: string; dayMs?: number }): Promise<EquipmentAssessment>;
}
