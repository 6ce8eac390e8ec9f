import type { Client } from '@temporalio/client';
import type pg from 'pg';
import type { Config } from '../config.js';
import type { Database } from '../db/client.js';
import type { Logger } from '../logging.js';
import type { TokenVerifier } from './auth/verifier.js';

/** What the HTTP API talks to; built once by the server, replaced by fakes in unit tests. */
export interface ApiDeps {
  temporal: Client;
  db: Database;
  pool: pg.Pool;
  config: Config;
  logger: Logger;
  /** Who a bearer token names: the server's comes from config, a test's from its own key set. */
  verifyToken: TokenVerifier;
  /** Entropy for COI ids; tests pass a fixed source to get a known id. */
  randomBytes?: (n: number) => Uint8Array;
  /** How long a command waits for the workflow's answer before the caller gets a 504. */
  updateTimeoutMs?: number;
  /** How long a status read or a readiness probe waits for Temporal. */
  queryTimeoutMs?: number;
  /** How often an open event stream asks again whether its token still holds (revoked, user disabled). */
  streamRecheckMs?: number;
}

/** Route plugins receive the dependencies as their options. */
export interface RouteOptions {
  deps: ApiDeps;
}
