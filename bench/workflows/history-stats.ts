import type { Client } from '@temporalio/client';
import { pool } from './pool.js';
import type { CpuMark } from './proc-stats.js';
import type { StoppedWorker } from './worker-process.js';

const EVENT = { WORKFLOW_TASK_COMPLETED: 7, WORKFLOW_TASK_TIMED_OUT: 8, WORKFLOW_TASK_FAILED: 9, ACTIVITY_TASK_SCHEDULED: 10, CHILD_WORKFLOW_EXECUTION_STARTED: 31 };

interface HistoryCount {
  events: number;
  workflowTasks: number;
  workflowTaskProblems: number;
  activities: number;
  children: string[];
}

async function countHistory(client: Client, workflowId: string): Promise<HistoryCount> {
  const history = await client.workflow.getHandle(workflowId).fetchHistory();
  const c: HistoryCount = { events: 0, workflowTasks: 0, workflowTaskProblems: 0, activities: 0, children: [] };
  for (const e of history.events ?? []) {
    c.events++;
    const type = Number(e.eventType);
    if (type === EVENT.WORKFLOW_TASK_COMPLETED) c.workflowTasks++;
    else if (type === EVENT.WORKFLOW_TASK_FAILED || type === EVENT.WORKFLOW_TASK_TIMED_OUT) c.workflowTaskProblems++;
    else if (type === EVENT.ACTIVITY_TASK_SCHEDULED) c.activities++;
    else if (type === EVENT.CHILD_WORKFLOW_EXECUTION_STARTED) {
      const id = e.childWorkflowExecutionStartedEventAttributes?.workflowExecution?.workflowId;
      if (id) c.children.push(id);
    }
  }
  return c;
}

/** What one phase measured: its outcome, its histories, its worker and the CPU it took. */
export interface PhaseFigures {
  completed: number;
  failed: number;
  wallMs: number;
  workflowTasks: number;
  childWorkflowTasks: number;
  workflowTaskProblems: number;
  eventsPerWorkflow: number[];
  /** Events of the workflows and their children: what the server persisted. */
  totalEvents: number;
  tasksPerWorkflow: number[];
  activitiesPerWorkflow: number[];
  children: number;
  worker: StoppedWorker;
  warnLines: number;
  cpu: CpuMark;
}

/** Counts the histories of the workflows and of their child workflows. */
export async function countAll(client: Client, ids: string[]): Promise<Omit<PhaseFigures, 'completed' | 'failed' | 'wallMs' | 'worker' | 'warnLines' | 'cpu'>> {
  const counts = await pool(ids.length, 16, (i) => countHistory(client, ids[i]!));
  const childIds = counts.flatMap((c) => c.children);
  const childCounts = await pool(childIds.length, 16, (i) => countHistory(client, childIds[i]!));
  return {
    workflowTasks: counts.reduce((a, c) => a + c.workflowTasks, 0),
    childWorkflowTasks: childCounts.reduce((a, c) => a + c.workflowTasks, 0),
    workflowTaskProblems: [...counts, ...childCounts].reduce((a, c) => a + c.workflowTaskProblems, 0),
    eventsPerWorkflow: counts.map((c) => c.events),
    totalEvents: [...counts, ...childCounts].reduce((a, c) => a + c.events, 0),
    tasksPerWorkflow: counts.map((c) => c.workflowTasks),
    activitiesPerWorkflow: counts.map((c) => c.activities),
    children: childIds.length,
  };
}
