import { WorkflowExecutionAlreadyStartedError, WorkflowNotFoundError, type Client } from '@temporalio/client';
import type { BatchStatus } from '../../workflows/messages.js';

/**
 * A stand-in for the Temporal client's plumbing (start, update, signal, query, system info) that
 * records what the API asked for and answers what the test says. The workflow's behaviour is not
 * faked here: its own tests run it on the time-skipping server.
 */
export interface RecordedCall {
  kind: 'start' | 'update' | 'signal' | 'query';
  workflowId: string;
  name: string;
  args: unknown[];
  options?: Record<string, unknown>;
}

export interface RecordingTemporal {
  client: Client;
  calls: RecordedCall[];
  /** What the next update answers, or throws when it is an Error. */
  updateAnswer: unknown;
  /** Thrown by the next starts instead of starting. */
  startError?: Error;
  /** Thrown by the next starts after starting: the answer lost on the way back (an ambiguous failure). */
  startAnswerLost?: Error;
  /** Workflow ids started so far; a second start of one is refused, as Temporal refuses it. */
  started: Set<string>;
  /** Thrown by describe() instead of answering (Temporal unreachable); otherwise it finds the started ids only. */
  describeError?: Error;
  status?: BatchStatus | Error;
  /** What the milestone-news query answers (default: true, the milestone is news). */
  milestoneNews?: boolean;
  systemInfo: () => Promise<unknown>;
}

const nameOf = (def: unknown) => (typeof def === 'string' ? def : (def as { name: string }).name);

export function recordingTemporal(): RecordingTemporal {
  const fake: RecordingTemporal = {
    calls: [],
    started: new Set(),
    updateAnswer: { stage: 'COLLECTED' },
    systemInfo: async () => ({}),
    client: undefined as unknown as Client,
  };
  const getHandle = (workflowId: string) => ({
    workflowId,
    async describe() {
      if (fake.describeError) throw fake.describeError;
      if (!fake.started.has(workflowId)) throw new WorkflowNotFoundError('workflow not found', workflowId, undefined);
      return { workflowId, status: { name: 'RUNNING' } };
    },
    async executeUpdate(def: unknown, options: { args?: unknown[]; updateId?: string } = {}) {
      fake.calls.push({ kind: 'update', workflowId, name: nameOf(def), args: options.args ?? [], options: { updateId: options.updateId } });
      if (fake.updateAnswer instanceof Error) throw fake.updateAnswer;
      return fake.updateAnswer;
    },
    async signal(def: unknown, ...args: unknown[]) {
      fake.calls.push({ kind: 'signal', workflowId, name: nameOf(def), args });
    },
    async query(def: unknown, ...args: unknown[]) {
      if (nameOf(def) === 'milestone-news') {
        fake.calls.push({ kind: 'query', workflowId, name: nameOf(def), args });
        return fake.milestoneNews ?? true;
      }
      fake.calls.push({ kind: 'query', workflowId, name: nameOf(def), args: [] });
      if (fake.status instanceof Error) throw fake.status;
      if (!fake.status) throw new Error('the test set no status');
      return fake.status;
    },
  });
  fake.client = {
    workflow: {
      async start(type: unknown, options: { workflowId: string; taskQueue: string; args: unknown[]; workflowIdReusePolicy?: string }) {
        fake.calls.push({ kind: 'start', workflowId: options.workflowId, name: nameOf(type), args: options.args, options: { taskQueue: options.taskQueue, workflowIdReusePolicy: options.workflowIdReusePolicy } });
        if (fake.startError) throw fake.startError;
        if (fake.started.has(options.workflowId)) throw new WorkflowExecutionAlreadyStartedError('Workflow execution already started', options.workflowId, nameOf(type));
        fake.started.add(options.workflowId);
        if (fake.startAnswerLost) throw fake.startAnswerLost;
        return getHandle(options.workflowId);
      },
      getHandle,
    },
    workflowService: { getSystemInfo: () => fake.systemInfo() },
    withDeadline: <R>(_deadline: number | Date, fn: () => Promise<R>) => fn(),
  } as unknown as Client;
  return fake;
}
