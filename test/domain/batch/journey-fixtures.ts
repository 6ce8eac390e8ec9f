import { productProfile } from '../../../src/domain/profiles.js';
import { awaiting, decide, evolve, initialState, type Awaiting, type JourneyCommand, type JourneyEvent, type JourneyInput, type JourneyState, type SlotChain } from '../../../src/domain/batch/index.js';

type Untimed<T> = T extends unknown ? Omit<T, 'at'> : never;

export const T0 = Date.parse('2027-01-04T08:00:00.000Z');
export const DAY = 86_400_000;
export const DIN = 'W123426000123';
export const QA = { name: 'Q. Person', role: 'qualified person' };

export function journeyInput(productId = 'autologous-cd19-fresh', extra: Pick<JourneyInput, 'chain' | 'waitlisted'> = {}): JourneyInput {
  return {
    batchId: 'b-1', coiId: 'COI-TEST-0001-0000-X', productId, profile: productProfile(productId),
    apheresisCenterId: 'apheresis-1', facilityId: 'facility-1', treatmentCenterId: 'treatment-1', timeScale: 1, ...extra,
  };
}

/** A chain booked at enrolment: collection on `collectionDay`, a line from the next day for 10 days, infusion 5 days after. */
export function chainOn(collectionDay: string, version = 1, facilityId = 'facility-1'): SlotChain {
  const day = (offset: number) => new Date(Date.parse(`${collectionDay}T00:00:00Z`) + offset * DAY).toISOString().slice(0, 10);
  return { version, facilityId, collectionDay, lineStartDay: day(1), lineEndDay: day(11), infusionDay: day(16) };
}

/**
 * A batch on the decider alone, with a clock: what the workflow does, minus Temporal. It records
 * every command that changed something and every event, as the twin does for a simulated batch.
 */
export class Journey {
  state: JourneyState;
  readonly commands: JourneyCommand[] = [];
  readonly events: JourneyEvent[] = [];
  private legs = 0;
  /** The facility grants a manufacturing line as soon as it is asked, unless a test answers itself. */
  grantLines = true;
  constructor(input = journeyInput(), public now = T0) {
    this.state = initialState(input, this.iso());
  }
  iso(ms = this.now) {
    return new Date(ms).toISOString();
  }
  advance(ms: number) {
    this.now += ms;
    return this;
  }
  get awaiting(): Awaiting {
    return awaiting(this.state, this.now);
  }
  /** Decides and, unless refused, applies. Returns the decision. */
  send(untimed: Untimed<JourneyCommand> & { at?: string }) {
    const command = { at: this.iso(), ...untimed } as JourneyCommand;
    const decision = decide(command, this.state);
    if (decision.events.length > 0) {
      this.commands.push(command);
      this.events.push(...decision.events);
      this.state = decision.events.reduce(evolve, this.state);
    }
    return decision;
  }
  scan(step: Extract<NonNullable<Awaiting>, { kind: 'handoff' }>['step'], over: Partial<{ coiId: string; din: string }> = {}) {
    return this.send({
      type: 'scan', shipmentId: `${this.state.input.batchId}-leg-${++this.legs}`,
      scan: { step, coiId: over.coiId ?? this.state.input.coiId, din: over.din ?? DIN, actor: { name: 'A. Courier', role: 'courier' }, location: `${step} desk` },
    });
  }
  milestone(milestone: Parameters<typeof milestoneCommand>[0], data?: Record<string, unknown>) {
    return this.send({ type: 'milestone', milestone: milestoneCommand(milestone, this.iso(), data) });
  }
  /** Answers whatever the batch awaits the way a partner would, until `until` or the end. */
  drive(until: (j: Journey) => boolean = () => false, maxSteps = 200) {
    for (let i = 0; i < maxSteps; i++) {
      if (this.grantLines && (this.state.slot.state === 'requested' || this.state.slot.state === 'confirming')) this.answerSlot(true);
      const next = this.awaiting;
      if (!next || until(this)) return this;
      this.advance(DAY / 2);
      const d = this.answer(next);
      if (d?.refusal) throw new Error(`${JSON.stringify(next)} refused: ${d.refusal.code} ${d.refusal.message}`);
    }
    throw new Error('the journey did not settle');
  }
  answer(next: NonNullable<Awaiting>) {
    switch (next.kind) {
      case 'handoff':
        return this.scan(next.step);
      case 'milestone':
        return this.milestone(next.milestone, next.milestone === 'qc-complete' ? { passed: true } : undefined);
      case 'qa-disposition':
        return this.send({ type: 'qa-disposition', decision: { decision: 'release', signer: QA, meaning: 'released for infusion' } });
      case 'excursion-assessment':
        return this.send({ type: 'assess', assessment: { excursionId: next.excursionId, impact: 'none', signer: QA, meaning: 'no impact' } });
      case 'infusion-booking':
        return this.send({ type: 'book', request: { infusionDate: new Date(Date.parse(next.earliest) + DAY).toISOString() } });
      case 'timer':
        this.now = Math.max(this.now, Date.parse(next.until));
        return this.send({ type: 'timer-fired' });
    }
  }
  /** The facility's answer to a pending line request. */
  answerSlot(granted = true) {
    return this.send({ type: 'slot-answer', granted });
  }
  stages() {
    return this.state.timeline.filter((t) => t.event === 'stage').map((t) => t.stage);
  }
}

export const milestoneCommand = (milestone: import('../../../src/domain/commands.js').Milestone, at: string, data?: Record<string, unknown>) => ({
  milestone, at, source: 'test partner', ...(data ? { data } : {}),
});
