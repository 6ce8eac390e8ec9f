import type { JourneyCommand, JourneyEvent, JourneyInput, JourneyState } from './types.js';

/**
 * One batch's journey as recorded: every command sent to its decider, and every event decided.
 * The digital twin writes these; the forecasts' features read them, as they would the same
 * journey read back from the database.
 */
export interface BatchJourneyRecord {
  input: JourneyInput;
  /** Pseudonymous, made by whoever recorded it (the twin: `sim-<seed>-<n>`): never anything like a real reference. */
  patientRef: string;
  enrolledAt: string;
  /** In the order sent; replaying them through `decide`/`evolve` from `initialState(input, enrolledAt)` gives `final`. */
  commands: JourneyCommand[];
  events: JourneyEvent[];
  final: JourneyState;
  /** What is known of the batch that the journey does not hold (forecast features, KPIs). */
  attributes: {
    laneOutboundId: string;
    laneReturnId: string;
    /** Viable cells collected, in 10^9. */
    cellYield: number;
    equipmentId?: string;
    /** Did not proceed to infusion (progression, death, ineligibility): why, if so. */
    notInfusedReason?: string;
    /** The treating physician's urgency tier, where allocation weighs it (the twin's allocation scenarios). */
    urgencyTier?: 'standard' | 'urgent' | 'critical';
  };
}
