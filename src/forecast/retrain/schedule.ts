import { ScheduleAlreadyRunning, ScheduleOverlapPolicy, type Client, type ScheduleOptions } from '@temporalio/client';
import type { TrainingSource } from './training-source.js';

export const RETRAIN_SCHEDULE_ID = 'v2v-forecast-retrain';
export const RETRAIN_WORKFLOW_TYPE = 'retrainForecastsWorkflow';

/** Mondays 03:00 UTC: after a weekend's outcomes are in, before the week's bookings. */
export const RETRAIN_CALENDAR = { comment: 'weekly, Monday 03:00 UTC', dayOfWeek: 'MONDAY', hour: 3, minute: 0 } as const;

export interface RetrainScheduleOptions {
  taskQueue: string;
  source: TrainingSource;
  /** Tests give their own, so they never touch the installation's Schedule. */
  scheduleId?: string;
}

function scheduleOptions({ taskQueue, source, scheduleId = RETRAIN_SCHEDULE_ID }: RetrainScheduleOptions): ScheduleOptions {
  return {
    scheduleId,
    spec: { calendars: [RETRAIN_CALENDAR] },
    action: {
      type: 'startWorkflow',
      // By name: importing the workflow module outside the workflow sandbox is not allowed.
      workflowType: RETRAIN_WORKFLOW_TYPE,
      workflowId: `${scheduleId}-run`,
      taskQueue,
      args: [{ source }],
    },
    // One retraining at a time; a week missed while the cluster was down is not made up twice.
    policies: { overlap: ScheduleOverlapPolicy.SKIP, catchupWindow: '1 day' },
  };
}

/**
 * Creates the weekly retraining Schedule, or brings an existing one to this spec: every worker calls
 * it at start, so the Schedule always says what the running code means by it.
 */
export async function ensureRetrainSchedule(client: Client, wanted: RetrainScheduleOptions): Promise<'created' | 'updated'> {
  const options = scheduleOptions(wanted);
  try {
    await client.schedule.create(options);
    return 'created';
  } catch (err) {
    if (!(err instanceof ScheduleAlreadyRunning)) throw err;
    await client.schedule.getHandle(options.scheduleId).update((previous) => ({ ...previous, spec: options.spec, action: options.action, policies: options.policies }));
    return 'updated';
  }
}
