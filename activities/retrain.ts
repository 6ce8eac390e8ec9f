import { Context } from '@temporalio/activity';
import type { Database } from '../src/db/client.js';
import { trainMaintenanceCandidates } from '../src/forecast/maintenance/index.js';
import { NothingToTrainError, promoteIfBetter, trainCandidate } from '../src/forecast/training/index.js';
import type { RetrainActivities, RetrainJob, RetrainOutcome } from './retrain-types.js';

export interface RetrainDeps {
  db: Database;
  /** The forecast venv's python, installed on first use (ensureForecastPython). */
  python: () => Promise<string>;
  log?: (msg: string, fields?: object) => void;
}

const HEARTBEAT_MS = 10_000;

/**
 * One job of the weekly retraining: train the candidate(s) from PostgreSQL, then promote each only
 * if it beats the active model (promoteIfBetter). Heartbeats while LightGBM runs, so a lost worker
 * is noticed within the workflow's heartbeat timeout.
 */
export function retrainActivities({ db, python, log }: RetrainDeps): RetrainActivities {
  return {
    async retrain({ job, source, seed, scope }) {
      const context = Context.current();
      const beat = setInterval(() => context.heartbeat(), HEARTBEAT_MS);
      try {
        const candidates = await trainJob(job, { db, python: await python(), source, seed, scope, log });
        const outcome: RetrainOutcome = { job, candidates, promoted: [], reasons: [] };
        for (const id of candidates) {
          const decision = await promoteIfBetter(db, id);
          if (decision.promoted) outcome.promoted.push(id);
          outcome.reasons.push(decision.reason);
        }
        log?.('forecast retraining job done', { ...outcome });
        return outcome;
      } catch (err) {
        // A history with too few outcomes to learn from is not a failure: there is nothing to train yet.
        if (!(err instanceof NothingToTrainError)) throw err;
        log?.('forecast retraining job skipped', { job, reason: err.message });
        return { job, candidates: [], promoted: [], reasons: [err.message] };
      } finally {
        clearInterval(beat);
      }
    },
  };
}

interface JobContext {
  db: Database;
  python: string;
  source: 'real' | 'simulated';
  seed?: number | undefined;
  scope?: string | undefined;
  log?: RetrainDeps['log'];
}

async function trainJob(job: RetrainJob, { db, python, source, seed, scope, log }: JobContext): Promise<string[]> {
  if (job.kind === 'turnaround') {
    const { model } = await trainCandidate(db, { target: job.target, source, python, ...(seed !== undefined ? { seed } : {}), ...(scope ? { scope } : {}), progress: (line) => log?.(line, { job }) });
    return [model.id];
  }
  const { failure, rul } = await trainMaintenanceCandidates(db, python, { kind: job.equipmentKind, source, ...(seed !== undefined ? { seed } : {}), ...(scope ? { scope: `${scope}:${job.equipmentKind}` } : {}) });
  return [failure.id, rul.id];
}
