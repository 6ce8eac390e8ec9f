// Names are the contract between the API, ingest and the workflows: extend, never rename.
import { defineQuery, defineSignal, defineUpdate } from '@temporalio/workflow';
import type {
  AssessmentCommand,
  BookingCommand,
  CancelCommand,
  HandoffCommand,
  HandoffStep,
  Milestone,
  MilestoneCommand,
  QaDispositionCommand,
} from '../src/domain/commands.js';
import type { ProductProfile } from '../src/domain/profile.js';
import type { Stage } from '../src/domain/stages.js';

export const batchWorkflowId = (batchId: string) => `batch:${batchId}`;
export const shipmentWorkflowId = (shipmentId: string) => `shipment:${shipmentId}`;
export const equipmentWorkflowId = (equipmentId: string) => `equipment:${equipmentId}`;
export const TASK_QUEUE = 'v2v-batches';

export interface BatchInput {
  batchId: string;
  coiId: string;
  productId: string;
  profile: ProductProfile;
  apheresisCenterId: string;
  facilityId: string;
  treatmentCenterId: string;
  /** V2V_TIME_SCALE at enrolment: every profile duration is divided by it. */
  timeScale: number;
}

/** What the batch waits for next (DESIGN §5); null once it has reached an end state. */
export type Awaiting =
  | { kind: 'handoff'; step: HandoffStep }
  | { kind: 'milestone'; milestone: Milestone }
  | { kind: 'qa-disposition' }
  | { kind: 'excursion-assessment'; excursionId: string }
  | { kind: 'infusion-booking'; earliest: string; latest: string }
  | { kind: 'timer'; until: string; reason: string }
  | null;

/** An excursion (from ingest) or a deviation (raised by the workflow) that QA must assess. */
export interface Issue {
  id: string;
  kind: 'excursion' | 'deviation' | 'telemetry_gap';
  reason: string;
  /** A blocking issue holds the batch (ON_HOLD) until QA assesses it; a scan mismatch does not. */
  blocking: boolean;
  openedAt: string;
  closedAt?: string;
  state: 'open' | 'closed';
  assessment?: { impact: AssessmentCommand['impact']; signer: AssessmentCommand['signer']; at: string };
}

export interface TimelineEntry {
  at: string;
  event: string;
  stage?: Stage;
  detail?: string;
}

export interface ShipmentRef {
  shipmentId: string;
  leg: 'outbound' | 'return';
  state: 'in_transit' | 'delivered' | 'cancelled';
}

export interface Forecast {
  method: string;
  stage: Stage;
  readyP10: string;
  readyP50: string;
  readyP90: string;
}

export interface BatchStatus {
  batchId: string;
  coiId: string;
  productId: string;
  stage: Stage;
  attempt: number;
  din?: string;
  awaiting: Awaiting;
  timeline: TimelineEntry[];
  issues: Issue[];
  shipments: ShipmentRef[];
  booking?: { infusionDate: string; ldStart: string; ldEnd: string; chair: string };
  quarantined: boolean;
  forecast?: Forecast;
}

/** Ingest → batch: only state changes, never readings. */
export interface ExcursionChange {
  excursionId: string;
  change: 'opened' | 'closed';
  kind: 'excursion' | 'telemetry_gap';
  deviceId: string;
  metric?: string;
  at: string;
  peak?: number;
  durationMs?: number;
}

export interface EquipmentRiskChange {
  equipmentId: string;
  risk: number;
  threshold: number;
  crossed: 'above' | 'below';
  at: string;
}

export const handoffUpdate = defineUpdate<{ stage: Stage }, [HandoffCommand]>('handoff');
export const qaDispositionUpdate = defineUpdate<{ stage: Stage }, [QaDispositionCommand]>('qaDisposition');
export const assessmentUpdate = defineUpdate<{ stage: Stage }, [AssessmentCommand]>('excursionAssessment');
export const bookingUpdate = defineUpdate<NonNullable<BatchStatus['booking']>, [BookingCommand]>('infusionBooking');
export const cancelBookingUpdate = defineUpdate<{ stage: Stage }, []>('cancelInfusionBooking');
export const cancelUpdate = defineUpdate<{ stage: Stage }, [CancelCommand]>('cancel');
export const milestoneSignal = defineSignal<[MilestoneCommand]>('milestone');
export const excursionSignal = defineSignal<[ExcursionChange]>('excursion');
export const equipmentRiskSignal = defineSignal<[EquipmentRiskChange]>('equipmentRisk');
export const statusQuery = defineQuery<BatchStatus>('status');

/** Shipment legs (child workflows). */
export interface ShipmentInput {
  shipmentId: string;
  batchId: string;
  leg: 'outbound' | 'return';
  fromSiteId: string;
  toSiteId: string;
  /** Already scaled by the batch's time scale. */
  stabilityMs: number;
}
export interface ShipmentResult {
  state: 'delivered' | 'cancelled';
  overStabilityWindow: boolean;
  transitMs: number;
}
export const deliveredSignal = defineSignal<[{ at: string }]>('delivered');
export const cancelShipmentSignal = defineSignal<[]>('cancelShipment');
/** Shipment → batch: the leg outlived its stability window. */
export const legOverdueSignal = defineSignal<[{ shipmentId: string; leg: 'outbound' | 'return'; at: string }]>('legOverdue');

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
export const equipmentAssignSignal = defineSignal<[{ batchId: string; assigned: boolean }]>('assign');
export const equipmentRiskUpdateSignal = defineSignal<[{ risk: number; at: string }]>('risk');
export const equipmentMaintenanceSignal = defineSignal<[{ state: EquipmentState['maintenance']; at: string }]>('maintenance');
export const equipmentStatusQuery = defineQuery<EquipmentState>('status');
