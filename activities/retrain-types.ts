// The weekly retraining's side effect, apart from the batch activities: it runs for minutes, not
// milliseconds, and only the worker that trains needs the forecast venv.
import type { MODEL_TARGETS } from '../src/db/schema/index.js';
import type { EQUIPMENT_KINDS } from '../src/domain/stages.js';
import type { TrainingSource } from '../src/forecast/retrain/training-source.js';

export type { TrainingSource };

/** What one retraining job covers: a turnaround target, or both maintenance models of an equipment kind. */
export type RetrainJob =
  | { kind: 'turnaround'; target: Extract<(typeof MODEL_TARGETS)[number], 'release_days' | 'infusion_ready_days'> }
  | { kind: 'maintenance'; equipmentKind: (typeof EQUIPMENT_KINDS)[number] };


export interface RetrainOutcome {
  job: RetrainJob;
  /** Candidates registered by the job (none when the history held too few outcomes to train on). */
  candidates: string[];
  promoted: string[];
  /** One sentence per decision: why a candidate was or was not promoted, or why nothing was trained. */
  reasons: string[];
}

export interface RetrainActivities {
  retrain(input: { job: RetrainJob; source: TrainingSource; seed?: number; scope?: string }): Promise<RetrainOutcome>;
}
