import { ApplicationFailure, log, type ChildWorkflowHandle } from '@temporalio/workflow';
import { raisedFailure } from './activities-proxy.js';
import { ERR } from '../src/domain/errors.js';
import {
  awaiting,
  batchClock,
  decide,
  evolve,
  initialState,
  stillAhead,
  type JourneyCommand,
  type JourneyEvent,
  type JourneyInput,
  type JourneyState,
  type Refusal,
} from '../src/domain/batch/index.js';
import { bookingRisk } from '../src/domain/safe-infusion.js';
import { nowIso } from './clock.js';
import { forecastAtLandmark, runEffect } from './batch-effects.js';
import type { BatchStatus, Forecast } from './messages.js';
import type { shipmentWorkflow } from './shipment.js';

/** A refused command fails its Update (or signal) with the refusal's code, as the API maps it. */
function failWithRefusal(refusal: Refusal): never {
  throw ApplicationFailure.create({ type: refusal.code, message: refusal.message, nonRetryable: true });
}

/**
 * One batch workflow's run: the decider's state, plus what only a workflow holds (child legs,
 * the latest forecast, counters that make every activity key deterministic). Commands are
 * decided and applied one at a time, so two updates never interleave their side effects.
 */
export class BatchRun {
  state: JourneyState;
  forecast?: Forecast;
  /** Bumped on every applied event: the main loop wakes on it. */
  version = 0;
  readonly legs = new Map<string, ChildWorkflowHandle<typeof shipmentWorkflow>>();
  private readonly counters = { custody: 0, stage: 0, alert: 0 };
  private queue: Promise<unknown> = Promise.resolve();

  constructor(readonly input: JourneyInput) {
    this.state = initialState(input, nowIso());
  }

  /** For update validators: a refusal that records nothing leaves no trace in history. */
  check(command: JourneyCommand) {
    const decision = decide(command, this.state);
    if (decision.refusal && decision.events.length === 0) failWithRefusal(decision.refusal);
  }

  /** For queries: whether the command would record any event now (a repeat or a refusal records none). */
  wouldRecord(command: JourneyCommand): boolean {
    return decide(command, this.state).events.length > 0;
  }

  /** Decides the command on the current state, runs the side effects of its events and applies them, in order. */
  dispatch(command: JourneyCommand): Promise<void> {
    const run = this.queue.then(() => this.decideAndApply(command).catch((err: unknown) => this.recordUncurable(command, err)));
    this.queue = run.catch(() => undefined);
    return run;
  }

  /**
   * An effect the database refused for good (ERR_UNPROCESSABLE, nonRetryable): the command is
   * recorded as a deviation and refused, and the batch takes its next command. Events of the
   * command applied before the refusal stay applied; the deviation says which command it was.
   */
  private async recordUncurable(command: JourneyCommand, err: unknown): Promise<never> {
    const failure = raisedFailure(err);
    if (failure?.type !== ERR.UNPROCESSABLE || command.type === 'effect-refused') throw err;
    await this.decideAndApply({ type: 'effect-refused', command: command.type, reason: failure.message, at: nowIso() }).catch((again: unknown) =>
      log.error('deviation for an unprocessable command not recorded', { command: command.type, error: String(again) }),
    );
    return failWithRefusal({ code: ERR.UNPROCESSABLE, message: `The ${command.type} was not applied and is recorded as a deviation: ${failure.message}` });
  }

  private async decideAndApply(command: JourneyCommand): Promise<void> {
    const decision = decide(command, this.state);
    if (decision.refusal && decision.events.length === 0) failWithRefusal(decision.refusal);
    for (const event of decision.events) {
      const { applied, followUp } = await runEffect(this, event);
      this.state = evolve(this.state, applied);
      this.version++;
      // An answer from the world the journey asked for (a manufacturing line): decided at once.
      if (followUp) await this.decideAndApply(followUp);
    }
    await forecastAtLandmark(this, decision.events);
    // A wrong bag's deviation is recorded above; the scan is refused all the same.
    if (decision.refusal) failWithRefusal(decision.refusal);
  }

  custodyKey = () => `${this.input.batchId}:custody:${++this.counters.custody}`;
  stageEventId = () => `${this.input.batchId}:stage:${++this.counters.stage}`;
  alertKey = () => `${this.input.batchId}:alert:${++this.counters.alert}`;

  status(): BatchStatus {
    const s = this.state;
    const { batchId, coiId, productId } = this.input;
    return {
      batchId, coiId, productId,
      stage: s.stage,
      attempt: s.attempt,
      din: s.din,
      awaiting: awaiting(s, Date.now()),
      timeline: s.timeline,
      issues: s.issues,
      shipments: s.shipments,
      booking: s.booking,
      quarantined: s.quarantined,
      forecast: this.forecast && withCurrentBooking(this.forecast, s),
      ...(s.chain ? { chain: s.chain } : {}),
    };
  }
}

/**
 * The forecast judged against the booking the batch holds now (the same rule the activity flags the
 * booking with), so a booking moved since the landmark shows its own risk at once; none once the
 * product is at the site.
 */
function withCurrentBooking(forecast: Forecast, s: JourneyState): Forecast {
  const judged = { ...forecast, atRisk: false };
  delete judged.safeFrom;
  const p90 = forecast.infusionReady?.p90;
  if (!s.booking || p90 === undefined || !stillAhead(s, 'RECEIVED_AT_SITE')) return judged;
  const risk = bookingRisk({ readyP90: Date.parse(p90), ldStart: Date.parse(s.booking.ldStart), profile: s.input.profile, dayMs: batchClock(s.input).dayMs });
  return risk.atRisk ? { ...judged, atRisk: true, safeFrom: new Date(risk.safeFrom).toISOString() } : judged;
}

export type { JourneyEvent };
