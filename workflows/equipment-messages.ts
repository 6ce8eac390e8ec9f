// The equipment workflow's scheduled risk assessment: what its input adds to EquipmentInput.
import type { EquipmentInput } from './messages.js';

/** The unit's risk is assessed daily unless its input says otherwise. */
export const DEFAULT_ASSESS_EVERY_MS = 24 * 60 * 60 * 1000;

export interface EquipmentWorkflowInput extends EquipmentInput {
  /** Milliseconds between scheduled risk assessments (`assessEquipment`); 24 h by default. */
  assessEveryMs?: number;
  /** When the next assessment is due (epoch ms): carried across continue-as-new, so the cadence holds. */
  nextAssessmentAt?: number;
}
