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
export const TASK_QUEUE = 'v2v-batches';

/**
 * The batch workflow's input, what its status shows and what ingest tells it: the journey decider's
 * own types; the status shapes are the domain's schemas (src/domain/batch/status.ts), as types only.
 */
import type {
  Awaiting,
  BatchStatus,
  Booking,
  ChainMove,
  EquipmentRiskChange,
  ExcursionChange,
  Forecast,
  ForecastBand,
  Issue,
  JourneyInput as BatchInput,
  ShipmentRef,
  SlotChain,
  TimelineEntry,
} from '../src/domain/batch/index.js';
export type { Awaiting, BatchStatus, Booking, BatchInput, ChainMove, EquipmentRiskChange, ExcursionChange, Forecast, ForecastBand, Issue, ShipmentRef, SlotChain, TimelineEntry };

export const handoffUpdate = defineUpdate<{ stage: Stage }, [HandoffCommand]>('handoff');
export const qaDispositionUpdate = defineUpdate<{ stage: Stage }, [QaDispositionCommand]>('qaDisposition');
export const assessmentUpdate = defineUpdate<{ stage: Stage }, [AssessmentCommand]>('excursionAssessment');
export const bookingUpdate = defineUpdate<Booking, [BookingCommand]>('infusionBooking');
export const cancelBookingUpdate = defineUpdate<{ stage: Stage }, []>('cancelInfusionBooking');
/** The same Update naming who cancels; older callers and histories send no payload, so it may be undefined. */
export const cancelBookingByUpdate = defineUpdate<{ stage: Stage }, [CancelBookingCommand | undefined]>('cancelInfusionBooking');
export const cancelUpdate = defineUpdate<{ stage: Stage }, [CancelCommand]>('cancel');
export const milestoneSignal = defineSignal<[MilestoneCommand]>('milestone');
export const excursionSignal = defineSignal<[ExcursionChange]>('excursion');
export const equipmentRiskSignal = defineSignal<[EquipmentRiskChange]>('equipmentRisk');
/**
 * Allocator → a waitlisted batch: the chain booked for it, queued in workflow_signals under this
 * same name (`signal = 'chain-allocated'`) and sent by ingest's signaller. The same version twice changes nothing.
 */
export const chainAllocatedSignal = defineSignal<[SlotChain]>('chain-allocated');
/**
 * Server → a batch holding a booked chain: a disruption (a capacity exception) moved it, queued in
 * workflow_signals under this name and sent by ingest's signaller. Told twice, it changes nothing.
 */
export const chainMovedSignal = defineSignal<[ChainMove]>('chain-moved');
export const statusQuery = defineQuery<BatchStatus>('status');
/**
 * Whether reporting this milestone would record anything (false: a repeat, or the batch has ended).
 * The API asks before signalling, so a partner repeating itself adds nothing to the history: a
 * query leaves no event, a signal always does.
 */
export const milestoneNewsQuery = defineQuery<boolean, [MilestoneCommand]>('milestone-news');

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
