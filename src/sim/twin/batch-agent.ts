import { awaiting, decide, evolve, isEnded, nextDeadline, type Decision, type JourneyCommand, type JourneyEvent, type JourneyState } from '../../domain/batch/index.js';
import { iso } from '../../domain/instant.js';
import type { BatchJourneyRecord } from '../../domain/batch/journey-record.js';
import type { UrgencyTier } from '../../domain/planning/policy.js';
import type { ProductParameters } from '../scenario/product-parameters.js';
import { respond } from './partners/respond.js';
import { bookingSideAction } from './partners/scheduler.js';
import type { Random } from '../../domain/random.js';
import type { World } from './world.js';

/** What the batch holds in the network, or queues for, so that a failure or a cancellation gives it all back. */
export interface Holds {
  line?: { equipmentId?: string; since: number };
  qc?: boolean;
  storage?: string;
  shipper?: string;
  chair?: { siteId: string; day: number };
  /** The facility's promise of a line: from this UTC day, for this many days. */
  plan?: { day: number; days: number };
  queued?: 'line' | 'qc' | 'shipper';
  /** A slot chain's collection chair, until the collection (a local day at the apheresis centre). */
  collection?: { siteId: string; day: number };
}

/** The slot chain booked for the current attempt: its collection and the infusion it planned. */
export interface HeldChain {
  collectionAt: number;
  infusionAt?: number;
  facilityId: string;
}

/** When the twin moves on by itself: a time to wake at, at once, or when someone else wakes it. */
export type Next = number | 'again' | 'wait';

/**
 * One simulated patient's batch and the partners around it. It knows nothing of the journey's
 * rules: it reads `awaiting` from the decider, answers it as the apheresis centre, courier,
 * facility, QA or scheduler would at a sampled time, and sends `timer-fired` when the decider's own
 * deadline falls due. Every command goes through `decide`, and every event through `evolve`: the
 * twin cannot move a stage the decider would not.
 */
export class BatchAgent {
  readonly commands: JourneyCommand[] = [];
  readonly events: JourneyEvent[] = [];
  readonly plan = new Map<string, number>();
  readonly holds: Holds = {};
  attributes: BatchJourneyRecord['attributes'] = { laneOutboundId: '', laneReturnId: '', cellYield: 0 };
  firstCollectionAt: number | undefined;
  /** The treating physician's urgency tier (drawn when the scenario has an allocation). */
  tier: UrgencyTier = 'standard';
  chain: HeldChain | undefined;
  /** Facilities a slot chain may send this patient's first collection to. */
  candidateFacilities: readonly string[] = [];
  private version = 0;
  private done = false;
  private lastAtLength = 0;
  private lastAtMs = 0;

  constructor(
    readonly world: World,
    public state: JourneyState,
    readonly enrolledAt: number,
    readonly patientRef: string,
    readonly rng: Random,
    readonly params: ProductParameters,
    /** Days after the first collection at which the patient stops being able to proceed (Infinity: never). */
    readonly dropoutAfterDays: number,
  ) {}

  get input() {
    return this.state.input;
  }
  get now() {
    return this.world.queue.now;
  }
  get attempt() {
    return this.state.attempt;
  }
  /** When the batch last recorded something: the start of whatever it waits for now. */
  get lastAt(): number {
    const { timeline } = this.state;
    if (timeline.length !== this.lastAtLength) {
      this.lastAtLength = timeline.length;
      this.lastAtMs = Date.parse(timeline[timeline.length - 1]!.at);
    }
    return this.lastAtMs;
  }
  get ended() {
    return this.done;
  }

  /** Decides a command; records it (and its events) unless it was refused with nothing to record. */
  send(command: JourneyCommand): Decision {
    const decision = decide(command, this.state);
    // A refusal with nothing to record, or a command that changes nothing, leaves no trace (replay is the same without it).
    if (decision.events.length === 0) return decision;
    this.commands.push(command);
    for (const event of decision.events) {
      this.events.push(event);
      this.state = evolve(this.state, event);
      if (event.type === 'stage-changed' && (event.to === 'FAILED' || event.to === 'CANCELLED')) this.world.releaseAll(this);
    }
    return decision;
  }

  /** A fact from elsewhere (ingest, a clinician, equipment): decided now, then the partners look again. */
  signal(command: JourneyCommand): void {
    if (this.done) return;
    this.send(command);
    this.step();
  }

  /** The time something is planned for, drawn once: `from` plus a duration, never in the past. */
  planned(key: string, from: number, durationMs: () => number): number {
    let at = this.plan.get(key);
    if (at === undefined) {
      at = from + durationMs();
      // Picked up mid-way (a forecast), the wait has already lasted until now: draw again from what is left.
      for (let i = 0; i < 20 && at < this.now; i++) at = from + durationMs();
      at = Math.max(at, this.now);
      this.plan.set(key, at);
    }
    return at;
  }

  /** Answers what the batch waits for, as long as it can be answered now; then sleeps until the next thing. */
  step(): void {
    const now = this.now;
    for (let round = 0; round < 64 && !this.done; round++) {
      const due = nextDeadline(this.state, now);
      if (due !== undefined && due <= now && this.send({ type: 'timer-fired', at: iso(now) }).events.length > 0) continue;
      const next = awaiting(this.state, now);
      if (next === null || isEnded(this.state)) return this.finish();
      const side = bookingSideAction(this, now);
      if (side === 'again') continue;
      const answer = respond(this, next, now);
      if (answer === 'again') continue;
      const wake = Math.min(...[answer, side, due].filter((t): t is number => typeof t === 'number' && t > now));
      if (Number.isFinite(wake)) this.wakeAt(wake);
      return;
    }
    if (!this.done) throw new Error(`The twin's partners of batch ${this.input.batchId} did not settle at ${iso(now)} (stage ${this.state.stage}).`);
  }

  private wakeAt(at: number): void {
    const version = ++this.version;
    this.world.queue.at(at, () => {
      if (version === this.version) this.step();
    });
  }

  private finish(): void {
    if (this.done) return;
    this.done = true;
    this.version++;
    this.world.releaseAll(this);
    this.world.ended(this);
  }

  record(): BatchJourneyRecord {
    return {
      input: this.input,
      patientRef: this.patientRef,
      enrolledAt: iso(this.enrolledAt),
      commands: this.commands,
      events: this.events,
      final: this.state,
      attributes: this.attributes,
    };
  }
}
