import type { TextRef } from '../command-text.js';
import type {
  Actor,
  AssessmentCommand,
  BookingCommand,
  CancelCommand,
  HandoffCommand,
  Milestone,
  MilestoneCommand,
  QaDispositionCommand,
} from '../commands.js';
import type { ErrorType } from '../errors.js';
import { EXCURSION_KINDS, type ExcursionKind } from '../excursions/types.js';
import type { ProductProfile } from '../profile.js';
import type { Leg, Stage } from '../stages.js';
import type { ChainMove, SlotChain } from './chain-schema.js';
import type { Awaiting, ChainHold, InfusionBooking, Issue, ShipmentRef, TimelineEntry } from './status.js';

/** The status shapes the journey state holds are written once, as schemas (status.ts, chain-schema.ts). */
export type { Awaiting, ChainHold, Issue, ShipmentRef, SlotChain, TimelineEntry };

/** Who the batch is and where it goes: fixed at enrolment, the batch workflow's input. */
export interface JourneyInput {
  batchId: string;
  coiId: string;
  productId: string;
  profile: ProductProfile;
  apheresisCenterId: string;
  facilityId: string;
  treatmentCenterId: string;
  /** V2V_TIME_SCALE at enrolment: every profile duration is divided by it, for this batch only. */
  timeScale: number;
  /**
   * V2V_CLOCK_ORIGIN at enrolment (epoch ms), on a compressed clock that plans chains: the shared
   * simulated calendar's origin (planClock), so the journey names plan days (a re-collection's) in it.
   */
  clockOriginMs?: number;
  /** The slot chain booked at enrolment (issue 18); without one (and not waitlisted) the batch asks for a line at receipt, as before. */
  chain?: SlotChain;
  /** Enrolled with no chain that fits the horizon: the batch waits, ORDERED, for the allocator's chain. */
  waitlisted?: true;
}

/** What ingest reports (excursions, telemetry gaps) and what the journey raises itself (deviations). */
export const ISSUE_KINDS = [...EXCURSION_KINDS, 'deviation'] as const;
export const ISSUE_STATES = ['open', 'closed'] as const;

/** The booking the journey holds: `infusionDate` is local midnight at the site for a calendar-day booking. */
export interface Booking extends InfusionBooking {
  /** A calendar-day booking: the date at the site, its zone, and when the day ends (23–25 h later). */
  date?: string;
  timeZone?: string;
  until?: string;
}

/** Ingest → batch: only state changes, never readings. */
export interface ExcursionChange {
  excursionId: string;
  change: 'opened' | 'closed';
  kind: ExcursionKind;
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

/** The manufacturing line: asked for on receipt at the facility, held until release or failure. */
export type SlotState =
  | { state: 'none' }
  | { state: 'requested' }
  /** The line the chain holds ahead is being confirmed for the real window. */
  | { state: 'confirming' }
  | { state: 'refused'; retryAt: string }
  | { state: 'reserved' };

/**
 * Everything the journey knows about one batch. Only `evolve` writes it; `awaiting` and the
 * deadlines are derived from it, never stored beside it.
 */
export interface JourneyState {
  input: JourneyInput;
  stage: Stage;
  /** The stage an ON_HOLD returns to. */
  heldFrom?: Stage;
  attempt: number;
  din?: string;
  /** Milestones reported by partners and not yet reached by the journey (kept through a hold). */
  pending: Partial<Record<Milestone, MilestoneCommand>>;
  /**
   * Milestones reported in this attempt (optional: states made before it existed). A repeat is
   * acknowledged without an event, so a partner repeating itself cannot grow the history.
   */
  reported?: Milestone[];
  slot: SlotState;
  /** How many manufacturing steps of this attempt are done, and the bioreactor they run on. */
  manufacturing: { done: number; equipmentId?: string };
  quarantined: boolean;
  qaDecision?: QaDispositionCommand;
  /** A blocking issue QA rejected: the batch fails when the hold ends. */
  rejection?: string;
  issues: Issue[];
  shipments: ShipmentRef[];
  booking?: Booking;
  receivedAtSite?: string;
  /** The human step (QA disposition, an assessment) being waited for: since when, escalated how often. */
  humanStep?: { key: string; since: string; escalations: number };
  cancelled?: CancelCommand;
  /** The slot chain (issue 18); absent for a batch enrolled without one. */
  chain?: ChainHold;
  timeline: TimelineEntry[];
}

export type RefusalCode = ErrorType;
export interface Refusal {
  code: RefusalCode;
  message: string;
}

/** What people, partners, ingest and clocks ask of a batch. `at` is when (workflow time). */
export type JourneyCommand =
  | { type: 'scan'; scan: HandoffCommand; at: string; /** the id a leg started by this scan will take */ shipmentId: string }
  | { type: 'milestone'; milestone: MilestoneCommand; at: string }
  | { type: 'qa-disposition'; decision: QaDispositionCommand; at: string }
  | { type: 'assess'; assessment: AssessmentCommand; at: string }
  | { type: 'book'; request: BookingCommand; at: string }
  | { type: 'cancel-booking'; actor?: Actor; at: string }
  | { type: 'cancel'; command: CancelCommand; at: string }
  /** The facility's answer to a manufacturing-line request. */
  | { type: 'slot-answer'; granted: boolean; at: string }
  /** The answer to a chain re-plan: the new chain, or none (the batch joins the waitlist). */
  | { type: 'chain-answer'; chain?: SlotChain; at: string }
  /** The allocator gives a waitlisted batch a chain (signal; the same version twice changes nothing). */
  | { type: 'chain-allocated'; chain: SlotChain; at: string }
  /** A disruption re-planned the batch's chain on the server (signal; told twice, it changes nothing the second time). */
  | { type: 'chain-moved'; move: ChainMove; at: string }
  /** A deadline of `deadlines(state)` has passed. */
  | { type: 'timer-fired'; at: string }
  | { type: 'excursion'; change: ExcursionChange; at: string }
  | { type: 'leg-overdue'; shipmentId: string; leg: Leg; at: string }
  | { type: 'equipment-risk'; risk: EquipmentRiskChange; at: string }
  /** A side effect of `command` was refused for good (the database would not take its data): recorded, not retried. */
  | { type: 'effect-refused'; command: JourneyCommand['type']; reason: string; at: string };

/** What happened. Each event implies the side effects the workflow runs (see workflows/batch-effects.ts). */
export type JourneyEvent =
  | { type: 'milestone-reported'; milestone: MilestoneCommand; at: string }
  | { type: 'milestone-reached'; milestone: MilestoneCommand; at: string }
  | { type: 'stage-changed'; from: Stage; to: Stage; at: string }
  | { type: 'handoff-verified'; scan: HandoffCommand; din: string; at: string }
  | { type: 'scan-refused'; scan: HandoffCommand; issueId: string; code: RefusalCode; message: string; at: string }
  | { type: 'leg-started'; shipmentId: string; leg: Leg; fromSiteId: string; toSiteId: string; at: string }
  | { type: 'leg-delivered'; shipmentId: string; leg: Leg; at: string }
  | { type: 'legs-cancelled'; shipmentIds: string[]; at: string }
  | { type: 'slot-requested'; from: string; to: string; at: string }
  | { type: 'slot-reserved'; at: string }
  | { type: 'slot-refused'; retryAt: string; first: boolean; at: string }
  | { type: 'slot-released'; at: string }
  /** The line the chain holds ahead is confirmed for the window from receipt (the slot's answer follows). */
  | { type: 'line-confirm-requested'; from: string; to: string; at: string }
  /** The line held ahead could not be confirmed: the batch asks for a free line as before. */
  | { type: 'chain-line-lost'; at: string }
  /** A proposed collection day, a slip or a re-collection: the chain is planned again from `earliestDay`. */
  | { type: 'chain-replan-requested'; earliestDay: string; reason: string; at: string }
  | { type: 'chain-replanned'; chain: SlotChain; at: string }
  | { type: 'chain-waitlisted'; at: string }
  | { type: 'chain-allocated'; chain: SlotChain; at: string }
  /** A booked chain replaced before collection by a newer one (null: the batch now waits), and why. */
  | { type: 'chain-moved'; chain: SlotChain | null; why: string; at: string }
  /** The collection booking and the line held ahead are given back (cancel, failure). */
  | { type: 'chain-released'; reason: 'batch cancelled' | 'batch failed'; at: string }
  | { type: 'qa-disposed'; decision: QaDispositionCommand; at: string }
  | {
      type: 'issue-opened'; issue: Issue; deviceId?: string; shipmentId?: string;
      /** a command left unapplied */ refusedCommand?: string;
      /** what the batch's own clock found (an unbooked product past the time it could still be booked) */ cause?: 'infusion-window-closed';
      at: string;
    }
  | { type: 'issue-closed'; issueId: string; kind: Issue['kind']; at: string }
  | { type: 'issue-assessed'; issueId: string; issueKind: Issue['kind']; impact: AssessmentCommand['impact']; signer: Actor; meaning?: string; meaningRef?: TextRef; at: string }
  | { type: 'batch-failed'; reason: string; at: string }
  | { type: 'recollection-started'; attempt: number; at: string }
  | { type: 'escalated'; awaiting: Awaiting; level: number; at: string }
  /** `actor`: who booked, when the API named them (older histories carry none). */
  | { type: 'infusion-booked'; booking: Omit<Booking, 'chair'> & { chair?: string }; actor?: Actor; at: string }
  | { type: 'infusion-booking-cancelled'; actor?: Actor; at: string }
  | { type: 'cancellation-requested'; command: CancelCommand; at: string }
  | { type: 'equipment-risk-noted'; risk: EquipmentRiskChange; at: string };

/** Events to record (even with a refusal: a wrong bag's deviation is evidence), or a refusal alone. */
export interface Decision {
  events: JourneyEvent[];
  refusal?: Refusal;
}
