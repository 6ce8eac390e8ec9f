import { proxyActivities } from '@temporalio/workflow';
import type { RetrainActivities, RetrainJob, RetrainOutcome, TrainingSource } from '../activities/retrain-types.js';

/** Every model the registry serves: both turnaround targets, and the maintenance models of the monitored kinds. */
export const RETRAIN_JOBS: readonly RetrainJob[] = [
  { kind: 'turnaround', target: 'release_days' },
  { kind: 'turnaround', target: 'infusion_ready_days' },
  { kind: 'maintenance', equipmentKind: 'bioreactor' },
  { kind: 'maintenance', equipmentKind: 'freezer' },
  { kind: 'maintenance', equipmentKind: 'ln2_tank' },
  { kind: 'maintenance', equipmentKind: 'dry_shipper' },
];

// Training takes minutes and heartbeats while it runs; a worker lost mid-training is noticed within
// the heartbeat timeout and the job starts again elsewhere (training is idempotent up to registering
// another candidate, which the promotion rule then judges like any other).
const { retrain } = proxyActivities<RetrainActivities>({
  startToCloseTimeout: '2 hours',
  heartbeatTimeout: '2 minutes',
  retry: { maximumAttempts: 3, initialInterval: '1 minute' },
});

export interface RetrainInput {
  source: TrainingSource;
  jobs?: readonly RetrainJob[];
  /** Only this twin history (`v2v simulate history --seed`), when the source is simulated. */
  seed?: number;
  /** A registry scope of one's own (tests); by default turnaround models are `network`, maintenance models their kind. */
  scope?: string;
}

/**
 * Started weekly by the `v2v-forecast-retrain` Schedule: trains a candidate for each model, one job
 * at a time (training uses the machine's cores), and promotes each only if it beats the active model.
 * A failed job does not stop the others; the workflow fails at the end if any did, so the Schedule's
 * recent actions show it.
 */
export async function retrainForecastsWorkflow(input: RetrainInput): Promise<RetrainOutcome[]> {
  const outcomes: RetrainOutcome[] = [];
  const failures: string[] = [];
  for (const job of input.jobs ?? RETRAIN_JOBS) {
    try {
      outcomes.push(await retrain({ job, source: input.source, ...(input.seed !== undefined ? { seed: input.seed } : {}), ...(input.scope ? { scope: input.scope } : {}) }));
    } catch (err) {
      failures.push(`${JSON.stringify(job)}: ${(err as Error).message}`);
    }
  }
  if (failures.length > 0) throw new Error(`retraining failed for ${failures.length} job(s): ${failures.join('; ')}`);
  return outcomes;
}
