// The journey of one batch as a decider (DESIGN §4): run by the batch workflow and by the digital twin.
export * from './types.js';
// Types only: the schemas (status.ts) are imported by the API, not by the workflow bundle.
export type { BatchStatus, Forecast, ForecastBand, InfusionBooking } from './status.js';
export { alreadyReported, decide } from './decide.js';
export { evolve, initialState } from './evolve.js';
export { awaiting, escalationDue, humanStepKey, isEnded, nextDeadline, unassessedBlocking } from './awaiting.js';
export { BOOKABLE_STAGES, HANDOFFS, MANUFACTURING_STEPS, MAX_ESCALATIONS, SLOT_RETRY_HOURS, batchClock, handoffAwaitedIn, manufacturingDays, planClock, REAL_CLOCK, type PlanClock } from './journey.js';
export { compensation } from './compensation.js';
export { chainAwaiting, facilityOf, holdsChain, initialChain } from './chain.js';
export { CHAIN_STATUSES, type ChainMove, type ChainStatus } from './chain-schema.js';
export { stillAhead } from './still-ahead.js';
export { custodyRecordOf, IMPACT_MEANINGS, QA_DECISION_MEANINGS, SCHEDULER_ACTOR, SYSTEM_ACTOR, type CustodyContent } from './custody.js';
export { QA_REJECTED } from './progress.js';
export {
  BATCH_SITES, HANDOFF_REPORTERS, MILESTONE_REPORTERS, PARTIES, REPORTING_ROLES, SIGNATURE_REPORTERS, mayReport, partyOf, reporterOf, siteIdOf,
  type BatchSite, type BatchSiteIds, type Caller, type Party, type Report, type Reporter, type SignedCommand,
} from './reporters.js';
