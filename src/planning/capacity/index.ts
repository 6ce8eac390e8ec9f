// Capacity and slot chains on the database (issue 18): plain functions of (db or tx, args), callable from activities.
export { loadPlanningCapacity, MAX_HORIZON_DAYS, type CapacityRequest, type LoadedCapacity } from './load-capacity.js';
export { chainOffsets, chainRoutes, type ChainOffsets } from './chain-routes.js';
export { datedChain, dateOfDay, dayOfDate, installationClock, type DatedChain, type PlanCalendar } from './plan-calendar.js';
export { bookChain } from './book-chain.js';
export { releaseChain, type ReleasedChain } from './release-chain.js';
export { realFacilities, replanChain, REPLAN_HORIZON_DAYS, type Replan, type ReplanRequest } from './replan-chain.js';
export { confirmLineAtReceipt, type ConfirmedLine } from './confirm-line.js';
export { bookFirstAvailable, offerChains, type ChainOffer, type ChainQuery } from './offer-chains.js';
export { chainHistory, liveChain, slotChainOf, type ChainRecord } from './live-chain.js';
export { CHAIN_ERR, ChainError } from './chain-errors.js';
export type { Db, Tx } from './db.js';
