// The equipment workflow's messages: its id, input, state, signals and query. Names are the contract: extend, never rename.
// It also takes the batch's `excursionSignal` (workflows/messages.ts): ingest tells a unit and a batch the same change.
import { defineQuery, defineSignal } from '@temporalio/workflow';
import { DAY_MS } from '../src/domain/durations.js';

export const equipmentWorkflowId = (equipmentId: string) => `equipment:${equipmentId}`;

/** Equipment (long-running, continue-as-new). */
export interface EquipmentInput {
  equipmentId: string;
  state?: EquipmentState;
}
export interface EquipmentState {
  risk: number;
  riskThreshold: number;
  openExcursions: string[];
  /** Batches currently using the equipment, told when its risk crosses the threshold. */
  batchIds: string[];
  maintenance: 'in_service' | 'maintenance';
  eventsSeen: number;
}

/** The unit's risk is assessed daily unless its input says otherwise. */
export const DEFAULT_ASSESS_EVERY_MS = DAY_MS;

/** The scheduled risk assessment: what the workflow's input adds to EquipmentInput. */
export interface EquipmentWorkflowInput extends EquipmentInput {
  /** Milliseconds between scheduled risk assessments (`assessEquipment`); 24 h by default. */
  assessEveryMs?: number;
  /** The cadence is a batch's compressed clock (equipmentClockSignal): daily again once no batch is carried. */
  followsBatchClock?: boolean;
  /** When the next assessment is due (epoch ms): carried across continue-as-new, so the cadence holds. */
  nextAssessmentAt?: number;
}

export const equipmentAssignSignal = defineSignal<[{ batchId: string; assigned: boolean }]>('assign');
export const equipmentRiskUpdateSignal = defineSignal<[{ risk: number; at: string }]>('risk');
export const equipmentMaintenanceSignal = defineSignal<[{ state: EquipmentState['maintenance']; at: string }]>('maintenance');
export const equipmentStatusQuery = defineQuery<EquipmentState>('status');

/**
 * The clock of the batches a unit carries, told by a batch when it takes the unit: on a compressed
 * clock (a demo's day lasting seconds) the unit assesses itself once a day of that clock, from
 * readings in windows that long; a batch on the real clock brings it back to daily.
 */
export const equipmentClockSignal = defineSignal<[{ assessEveryMs: number }]>('equipmentClock');
