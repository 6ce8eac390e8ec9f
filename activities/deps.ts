import type pg from 'pg';
import type { Database } from '../src/db/client.js';
import type { SlotChain } from '../src/domain/batch/index.js';

/** What the batch activities need from the process that hosts them (the worker, or a test). */
export interface ActivityDeps {
  db: Database;
  pool: pg.Pool;
  /** Structured log line; alerts go through it. Never given patient data. */
  log?: (msg: string, fields?: object) => void;
  /** The slot chain's database side; by default src/planning/capacity/ (activities/chain-store.ts), replaceable in tests. */
  chains?: ChainStore;
  /**
   * Called after capacity is given back (a chain released or superseded, a line freed), once the
   * release has committed: the waitlist's allocator offers it to the next patient. It may run more
   * than once for one release (an activity retried), so it must be idempotent. Default: nothing.
   */
  afterCapacityReleased?: (release: CapacityRelease) => Promise<void>;
}

/** What was given back, and why: no patient data, only the batch that held it. */
export interface CapacityRelease {
  batchId: string;
  reason: string;
  /** The facility whose line (or the centre whose collection day) may now be free, when known. */
  siteId?: string;
}

/**
 * The slot chain's database functions, each inside the caller's transaction. Written by the
 * capacity work (src/planning/capacity/: `confirmLineAtReceipt`, `replanChain`, `releaseChain`) and
 * injected, so the activities are written against their signatures. A lost line or a chain that
 * no longer fits is raised as an error with `code` ERR_CHAIN_UNAVAILABLE (or ERR_CHAIN_CONFLICT).
 */
export interface ChainStore {
  confirmLineAtReceipt(tx: Tx, batchId: string, window: { from: string; to: string }): Promise<unknown>;
  replanChain(tx: Tx, batchId: string, request: { earliestDay: string; reason: string }): Promise<{ next: SlotChain } | null>;
  releaseChain(tx: Tx, batchId: string, reason: string): Promise<unknown>;
  /** The chain the batch holds now (booked or confirmed), if any. */
  liveChain(tx: Tx, batchId: string): Promise<SlotChain | null>;
}

/** A drizzle transaction (or savepoint) handle. */
export type Tx = Parameters<Parameters<Database['transaction']>[0]>[0];
