import { ApplicationFailure, condition, type ChildWorkflowHandle } from '@temporalio/workflow';
import type { Actor, HandoffCommand, HandoffStep, Milestone, MilestoneCommand, QaDispositionCommand } from '../src/domain/commands.js';
import { ERR, type ErrorType } from '../src/domain/errors.js';
import { DAY_MS } from '../src/domain/profile.js';
import type { Stage } from '../src/domain/stages.js';
import { activities } from './activities-proxy.js';
import { nowIso } from './clock.js';
import type { Awaiting, BatchInput, BatchStatus, Forecast, Issue, ShipmentRef, TimelineEntry } from './messages.js';
import type { shipmentWorkflow } from './shipment.js';

/** Thrown inside the journey when a cancel update arrives; the workflow then compensates. */
export class BatchCancelled extends Error {}

/** The system itself as the actor of records nobody signed (escalations, deviations it detected). */
export const SYSTEM_ACTOR: Actor = { name: 'V2V orchestrator', role: 'system' };

/**
 * Everything one batch workflow knows. Handlers write to it, the journey waits on it, and the
 * status query reads it. Counters make every activity key deterministic, so retries and replays
 * never write twice.
 */
export class BatchState {
  stage: Stage = 'ORDERED';
  /** The stage an ON_HOLD will return to. */
  heldFrom?: Stage;
  attempt = 1;
  din?: string;
  awaiting: Awaiting = null;
  readonly timeline: TimelineEntry[] = [];
  readonly issues: Issue[] = [];
  readonly shipments: ShipmentRef[] = [];
  /** Legs still moving, by shipment id: delivered or cancelled through their child workflow. */
  readonly legs = new Map<string, ChildWorkflowHandle<typeof shipmentWorkflow>>();
  booking?: NonNullable<BatchStatus['booking']>;
  /** Bumped on every booking change, so the wait for the infusion date starts over. */
  bookingVersion = 0;
  receivedAtSite?: number;
  quarantined = false;
  forecast?: Forecast;
  readonly milestones = new Map<Milestone, MilestoneCommand>();
  readonly scans = new Map<HandoffStep, HandoffCommand>();
  qaDecision?: QaDispositionCommand;
  cancel?: { reason: string; actor: Actor };
  private custodyCount = 0;
  private stageChanges = 0;
  private alertCount = 0;

  constructor(readonly input: BatchInput) {}

  get dayMs() {
    return DAY_MS / this.input.timeScale;
  }

  get ended() {
    return this.stage === 'COMPLETED' || this.stage === 'CANCELLED';
  }

  /** An unassessed blocking issue (an excursion, a leg over its stability window) holds the batch. */
  needsHold() {
    return this.issues.some((i) => i.blocking && !i.assessment);
  }

  note(event: string, detail?: string) {
    this.timeline.push({ at: nowIso(), event, ...(detail ? { detail } : {}) });
  }

  custodyKey() {
    return `${this.input.batchId}:custody:${++this.custodyCount}`;
  }

  stageEventId() {
    return `${this.input.batchId}:stage:${++this.stageChanges}`;
  }

  alertKey() {
    return `${this.input.batchId}:alert:${++this.alertCount}`;
  }

  async alert(severity: 'info' | 'warning' | 'critical', kind: string, message: string) {
    await activities.notify({ key: this.alertKey(), batchId: this.input.batchId, severity, kind, message });
  }

  /**
   * Waits until `ready()` while telling the world what it waits for. Cancellation interrupts any
   * wait; a blocking issue returns control to the journey, which holds the batch first.
   */
  async waitFor(awaiting: Awaiting, ready: () => boolean, timeoutMs?: number, holdable = true): Promise<'ready' | 'hold' | 'timeout'> {
    this.awaiting = awaiting;
    const settled = () => ready() || (holdable && this.needsHold()) || this.cancel !== undefined;
    const inTime = timeoutMs === undefined ? (await condition(settled), true) : await condition(settled, timeoutMs);
    if (this.cancel) throw new BatchCancelled(this.cancel.reason);
    if (ready()) return 'ready';
    return inTime ? 'hold' : 'timeout';
  }

  status(): BatchStatus {
    const { batchId, coiId, productId } = this.input;
    return {
      batchId,
      coiId,
      productId,
      stage: this.stage,
      attempt: this.attempt,
      din: this.din,
      awaiting: this.ended ? null : this.awaiting,
      timeline: this.timeline,
      issues: this.issues,
      shipments: this.shipments,
      booking: this.booking,
      quarantined: this.quarantined,
      forecast: this.forecast,
    };
  }
}

export function fail(type: ErrorType, message: string): never {
  throw ApplicationFailure.create({ type, message, nonRetryable: true });
}

export function assertNotEnded(b: BatchState) {
  if (b.ended) fail(ERR.ENDED, `The batch has ended (${b.stage}); nothing more can be recorded.`);
}
