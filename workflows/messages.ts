// Names are the contract between the API, ingest and the workflows: extend, never rename.
import { defineQuery, defineSignal, defineUpdate } from '@temporalio/workflow';
import type {
  AssessmentCommand,
  BookingCommand,
  CancelBookingCommand,
  CancelCommand,
  HandoffCommand,
  MilestoneCommand,
  QaDispositionCommand,
} from '../src/domain/commands.js';
import type { Leg, Stage } from '../src/domain/stages.js';

export const batchWorkflowId = (batchId: string) => `batch:${batchId}`;
export const shipmentWorkflowId = (shipmentId: string) => `shipment:${shipmentId}`;
export const equipmentWorkflowId = (equipmentId: string) => `equipment:${equipmentId}`;
export const TASK_QUEUE = 'v2v-batches';

/** The batch workflow's input, what its status shows and what ingest tells it: the journey decider's own types. */
import type {
  Awaiting,
  Booking,
  EquipmentRiskChange,
  ExcursionChange,
  Issue,
  JourneyInput as BatchInput,
  ShipmentRef,
  TimelineEntry,
} from '../src/domain/batch/index.js';
export type { Awaiting, Booking, BatchInput, EquipmentRiskChange, ExcursionChange, Issue, ShipmentRef, TimelineEntry };

/** One target's band, as instants, and what made it. */
export interface ForecastBand {
  /** `model` (see `modelId`); without an active model `empirical-baseline`, or `profile-nominal` with too little history; `observed` once reached. */
  method: string;
  modelId?: string;
  p10: string;
  p50: string;
  p90: string;
}

/** The forecast made at the batch's latest landmark (a stage entry or milestone). */
export interface Forecast {
  /** `model` when every band still ahead came from an active model, else the baseline's method. */
  method: string;
  modelIds: string[];
  stage: Stage;
  /** The landmark's instant. */
  at: string;
  /** When the batch is RELEASED; once released, the release itself (`observed`). */
  release: ForecastBand;
  /** When the product is at the treatment centre, while that is still ahead. */
  infusionReady?: ForecastBand;
  /** The release band under its first names, for consumers written before the bands. */
  readyP10: string;
  readyP50: string;
  readyP90: string;
  /** P90 of infusion-ready is after the booked LD start; `safeFrom` is the earliest safe infusion day proposed. */
  atRisk: boolean;
  safeFrom?: string;
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
  booking?: Booking;
  quarantined: boolean;
  forecast?: Forecast;
}

export const handoffUpdate = defineUpdate<{ stage: Stage }, [HandoffCommand]>('handoff');
export const qaDispositionUpdate = defineUpdate<{ stage: Stage }, [QaDispositionCommand]>('qaDisposition');
export const assessmentUpdate = defineUpdate<{ stage: Stage }, [AssessmentCommand]>('excursionAssessment');
export const bookingUpdate = defineUpdate<NonNullable<BatchStatus['booking']>, [BookingCommand]>('infusionBooking');
export const cancelBookingUpdate = defineUpdate<{ stage: Stage }, []>('cancelInfusionBooking');
/** The same Update naming who cancels; older callers and histories send no payload, so it may be undefined. */
export const cancelBookingByUpdate = defineUpdate<{ stage: Stage }, [CancelBookingCommand | undefined]>('cancelInfusionBooking');
export const cancelUpdate = defineUpdate<{ stage: Stage }, [CancelCommand]>('cancel');
export const milestoneSignal = defineSignal<[MilestoneCommand]>('milestone');
export const excursionSignal = defineSignal<[ExcursionChange]>('excursion');
export const equipmentRiskSignal = defineSignal<[EquipmentRiskChange]>('equipmentRisk');
export const statusQuery = defineQuery<BatchStatus>('status');

/** Shipment legs (child workflows). */
export interface ShipmentInput {
  shipmentId: string;
  batchId: string;
  leg: Leg;
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
export const legOverdueSignal = defineSignal<[{ shipmentId: string; leg: Leg; at: string }]>('legOverdue');

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
