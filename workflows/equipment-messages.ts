// The equipment workflow's scheduled risk assessment: what its input adds to EquipmentInput.
import { defineSignal } from '@temporalio/workflow';
import type { EquipmentInput } from './messages.js';

/** The unit's risk is assessed daily unless its input says otherwise. */
export const DEFAULT_ASSESS_EVERY_MS = 24 * 60 * 60 * 1000;

export interface EquipmentWorkflowInput extends EquipmentInput {
  /** Milliseconds between scheduled risk assessments (`assessEquipment`); 24 h by default. */
  assessEveryMs?: number;
  /** The cadence is a batch's compressed clock (equipmentClockSignal): daily again once no batch is carried. */
  followsBatchClock?: boolean;
  /** When the next assessment is due (epoch ms): carried across continue-as-new, so the cadence holds. */
  nextAssessmentAt?: number;
}

/**
 * The clock of the batches a unit carries, told by a batch when it takes the unit: on a compressed
 * clock (a demo's day lasting seconds) the unit assesses itself once a day of that clock, from
 * readings in windows that long; a batch on the real clock brings it back to daily.
 */
export const equipmentClockSignal = defineSignal<[{ assessEveryMs: number }]>('equipmentClock');
