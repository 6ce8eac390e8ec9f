import { Client, Connection } from '@temporalio/client';
import { NativeConnection, Worker } from '@temporalio/worker';
import { capacityChainStoreOn } from '../../activities/chain-store.js';
import { createBatchActivities } from '../../activities/index.js';
import { installationClock } from '../planning/capacity/index.js';
import { installationCapacity } from '../planning/waitlist/database-capacity.js';
import { retrainActivities } from '../../activities/retrain.js';
import { ensureForecastPython } from '../forecast/python-env.js';
import { stackPaths } from '../stack/paths.js';
import type { Config } from '../config.js';
import { temporalTransport } from '../transport.js';
import { createDatabase, requireDatabaseUrl } from '../db/client.js';
import { installTemporalLogging, type Logger } from '../logging.js';
import { startOutboxPublisher } from '../outbox/publisher.js';
import { TASK_QUEUE } from '../../workflows/messages.js';
import { ensureRetrainSchedule, RETRAIN_SCHEDULE_ID } from '../forecast/retrain/schedule.js';
import { createKafka } from '../kafka-client.js';
import { startCheckpointTimer } from '../audit/checkpoint-timer.js';
import { allocateOnRelease } from '../planning/waitlist/on-capacity-released.js';
import { ALLOCATOR_EVERY_MS, startAllocatorTimer } from '../planning/waitlist/allocator-timer.js';
import { DAY_MS } from '../domain/durations.js';
import { greedyPlan } from '../domain/planning/greedy.js';
import { startPlannerThread } from '../planning/planner-thread.js';
import type { PlanningProblem } from '../domain/planning/problem.js';
import { workflowCode } from './workflow-bundle.js';

export interface RunWorkerOptions {
  config: Config;
  logger: Logger;
  /** Aborting it shuts the worker down gracefully; SIGINT and SIGTERM do the same (the Temporal Runtime handles them). */
  signal?: AbortSignal;
  /** Called once the worker polls its task queue (tests wait for it). */
  onReady?: () => void;
}

/**
 * One worker process: the batch, shipment and equipment workflows and the batch activities on
 * TASK_QUEUE, plus the outbox publisher that turns committed stage changes and queued audit
 * checkpoints into Kafka events, and the audit checkpoint timer.
 * Returns when the worker has drained: in-flight activities get a grace period, then the publisher,
 * the Temporal connection and the database pool are closed, in that order.
 */
export async function runWorker({ config, logger, signal, onReady }: RunWorkerOptions): Promise<void> {
  installTemporalLogging(logger);
  const code = workflowCode(config);
  const { db, pool } = createDatabase(requireDatabaseUrl(config.DATABASE_URL));
  const activityLog = logger.child({ component: 'activities' });
  const log = (msg: string, fields?: object) => activityLog.info(fields ?? {}, msg);
  const connection = await NativeConnection.connect(temporalTransport(config)).catch(
    async (err: unknown) => {
      await pool.end();
      throw err;
    },
  );

  let publisher: { stop(): Promise<void> } | undefined;
  let stopCheckpoints: (() => Promise<void>) | undefined;
  // The waitlist is planned by the MIP on HiGHS, in a thread of its own so that a second of solving
  // does not stall the activities (the greedy rule when it runs out of time, or HiGHS fails).
  const solver = await startPlannerThread().then(
    (thread) => (logger.info('waitlist planner ready: HiGHS in a thread of its own'), thread),
    (err: unknown) => void logger.warn({ err }, 'HiGHS did not load; the waitlist is planned by the greedy rule'),
  );
  const planner = solver
    ? (problem: PlanningProblem) =>
        solver.plan(problem, { timeLimitMs: 1000 }).catch((err: unknown) => {
          logger.warn({ err }, 'the planner thread failed; this waitlist run is planned by the greedy rule');
          return greedyPlan(problem);
        })
    : undefined;
  // Chains are planned and allocated in the installation's calendar (a compressed clock's simulated days, given an origin).
  const clock = installationClock(config);
  const capacity = installationCapacity(config);
  const allocate = allocateOnRelease(db, logger.child({ component: 'waitlist' }), planner, capacity);
  // On a compressed calendar a new plan day comes every simulated day: the periodic run keeps up with it.
  const allocatorEveryMs = clock?.originMs === undefined ? ALLOCATOR_EVERY_MS : Math.min(ALLOCATOR_EVERY_MS, DAY_MS / config.V2V_TIME_SCALE);
  const releasedToWaitlist = async (release: { batchId: string; reason: string }) => void (await allocate(release));
  let stopAllocator: (() => Promise<void>) | undefined;
  try {
    const worker = await Worker.create({
      connection,
      namespace: config.TEMPORAL_NAMESPACE,
      taskQueue: TASK_QUEUE,
      ...code,
      activities: {
        // Capacity a batch gives back (a chain released or re-planned, a line lost) goes to the waitlist at once.
        ...createBatchActivities({ db, pool, log, chains: capacityChainStoreOn(clock), afterCapacityReleased: releasedToWaitlist }),
        ...retrainActivities({ db, log, python: () => ensureForecastPython(stackPaths(config).root, (line) => log(line)) }),
      },
      // A custody write or a booking in flight finishes rather than being cut and retried elsewhere.
      shutdownGraceTime: '10s',
    });
    await ensureSchedule(config, logger);
    publisher = startOutboxPublisher({
      pool,
      kafka: createKafka(config, logger, 'v2v-worker'),
      log: (msg, fields) => logger.child({ component: 'outbox' }).info(fields ?? {}, msg),
      topics: [{ topic: config.V2V_AUDIT_CHECKPOINT_TOPIC, partitions: 1 }],
    });

    stopCheckpoints = startCheckpointTimer(pool, config, logger);
    stopAllocator = startAllocatorTimer(db, logger, planner, allocatorEveryMs, capacity);

    const stop = () => {
      if (worker.getState() === 'RUNNING') worker.shutdown();
    };
    if (signal?.aborted) stop();
    signal?.addEventListener('abort', stop, { once: true });

    logger.info({ taskQueue: TASK_QUEUE, namespace: config.TEMPORAL_NAMESPACE }, 'worker started');
    // run() moves the worker to RUNNING before its first await, so polling has begun when onReady fires.
    const running = worker.run();
    onReady?.();
    await running;
    signal?.removeEventListener('abort', stop);
  } finally {
    // Before the publisher: a checkpoint being taken finishes and is queued, then the publisher stops.
    await stopCheckpoints?.().catch((err: unknown) => logger.error({ err }, 'audit checkpoint timer did not stop cleanly'));
    await stopAllocator?.();
    await solver?.close();
    await publisher?.stop().catch((err: unknown) => logger.error({ err }, 'outbox publisher did not stop cleanly'));
    await connection.close().catch(() => undefined);
    await pool.end().catch(() => undefined);
    logger.info('worker stopped');
  }
}

/** The weekly retraining Schedule, brought to this code's spec by every worker that starts. */
async function ensureSchedule(config: Config, logger: Logger): Promise<void> {
  const connection = await Connection.connect(temporalTransport(config));
  try {
    const client = new Client({ connection, namespace: config.TEMPORAL_NAMESPACE });
    const outcome = await ensureRetrainSchedule(client, { taskQueue: TASK_QUEUE, source: config.V2V_FORECAST_TRAINING_SOURCE });
    logger.info({ scheduleId: RETRAIN_SCHEDULE_ID, outcome, source: config.V2V_FORECAST_TRAINING_SOURCE }, 'forecast retraining schedule ready');
  } finally {
    await connection.close();
  }
}
