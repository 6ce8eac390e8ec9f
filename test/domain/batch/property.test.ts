import { describe, expect, it } from 'vitest';
import { HANDOFF_STEPS, MILESTONES } from '../../../src/domain/commands.js';
import { awaiting, type JourneyCommand } from '../../../src/domain/batch/index.js';
import { canTransition } from '../../../src/domain/transitions.js';
import { prng } from '../prng.js';
import { chainOn, DAY, DIN, Journey, journeyInput, QA } from './journey-fixtures.js';

type Untimed = JourneyCommand extends infer C ? (C extends unknown ? Omit<C, 'at'> : never) : never;
const HOUR = 3_600_000;

/** A random command: mostly what the batch awaits (so journeys get far), often something else, sometimes the wrong bag. */
function randomCommand(j: Journey, random: () => number): Untimed {
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(random() * xs.length)]!;
  const next = j.awaiting;
  const r = random();
  const actor = { name: 'A. Courier', role: 'courier' };
  if (r < 0.35 && next) {
    if (next.kind === 'handoff') return { type: 'scan', shipmentId: `s${random()}`, scan: { step: next.step, coiId: j.state.input.coiId, din: DIN, actor, location: 'desk' } };
    if (next.kind === 'milestone') return { type: 'milestone', milestone: { milestone: next.milestone, at: j.iso(), source: 'partner', data: { passed: random() < 0.8 } } };
    if (next.kind === 'qa-disposition') return { type: 'qa-disposition', decision: { decision: pick(['release', 'reject', 'conditional-release'] as const), signer: QA, meaning: 'signed', reason: 'r' } };
    if (next.kind === 'excursion-assessment') return { type: 'assess', assessment: { excursionId: next.excursionId, impact: pick(['none', 'none', 'quarantine', 'reject'] as const), signer: QA, meaning: 'assessed' } };
    if (next.kind === 'infusion-booking') return { type: 'book', request: { infusionDate: j.iso(Date.parse(next.earliest) + Math.floor(random() * 5) * DAY) } };
  }
  if (j.state.chain && r < 0.42) return chainCommand(j, random);
  if (r < 0.45) return { type: 'slot-answer', granted: random() < 0.7 };
  if (r < 0.55) {
    j.advance(Math.floor(random() * 72) * HOUR);
    return { type: 'timer-fired' };
  }
  if (r < 0.7) {
    // The wrong bag: another COI, another DIN, or a malformed one, for any step.
    const wrong = pick([{ coiId: 'COI-WRNG-0000-0000-X', din: DIN }, { coiId: j.state.input.coiId, din: 'W999926000001' }, { coiId: j.state.input.coiId, din: 'bad' }]);
    return { type: 'scan', shipmentId: 'x', scan: { step: pick(HANDOFF_STEPS), ...wrong, actor, location: 'desk' } };
  }
  if (r < 0.75) return { type: 'scan', shipmentId: `s${random()}`, scan: { step: pick(HANDOFF_STEPS), coiId: j.state.input.coiId, din: DIN, actor, location: 'desk' } };
  if (r < 0.85) return { type: 'milestone', milestone: { milestone: pick(MILESTONES), at: j.iso(), source: 'partner' } };
  if (r < 0.92) return { type: 'excursion', change: { excursionId: `x${Math.floor(random() * 3)}`, change: pick(['opened', 'closed'] as const), kind: pick(['excursion', 'telemetry_gap'] as const), deviceId: 'd', at: j.iso() } };
  if (r < 0.95) return { type: 'cancel-booking' };
  if (r < 0.97) return { type: 'book', request: { infusionDate: j.iso(j.now + Math.floor(random() * 40) * DAY) } };
  if (r < 0.98) return { type: 'leg-overdue', shipmentId: j.state.shipments.at(-1)?.shipmentId ?? 'none', leg: 'outbound' };
  return { type: 'cancel', command: { reason: 'withdrawn', actor: QA } };
}

const DAYS = ['2027-01-11', '2027-01-14', '2027-01-20', '2027-02-01'];

/** What the slot chain's world says: a confirmation or a proposal, a slip, a re-plan's answer, an allocation (often one already held). */
function chainCommand(j: Journey, random: () => number): Untimed {
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(random() * xs.length)]!;
  const r = random();
  const held = j.state.chain?.current;
  const day = pick(DAYS);
  if (r < 0.25) return { type: 'milestone', milestone: { milestone: 'apheresis-scheduled', at: j.iso(), source: 'partner', ...(random() < 0.5 ? { data: { proposedDay: day } } : {}) } };
  if (r < 0.4) return { type: 'milestone', milestone: { milestone: 'collection-rescheduled', at: j.iso(), source: 'partner', data: { proposedDay: day } } };
  if (r < 0.6) return { type: 'chain-answer', ...(random() < 0.6 ? { chain: chainOn(day, (held?.version ?? 1) + 1) } : {}) };
  if (r < 0.7) return { type: 'chain-allocated', chain: held && random() < 0.5 ? held : chainOn(day, (held?.version ?? 1) + 1) };
  if (r < 0.85) {
    // A disruption on the server: it superseded the version held (or an older one, told late), booking another or none.
    const from = Math.max(1, (held?.version ?? 1) - (random() < 0.2 ? 1 : 0));
    return { type: 'chain-moved', move: { from, chain: random() < 0.7 ? chainOn(day, from + 1) : null, why: 'line down' } };
  }
  return { type: 'slot-answer', granted: random() < 0.6 };
}

/** Half the journeys hold a chain from enrolment, a quarter start on the waitlist, a quarter have none (as before issue 18). */
function newJourney(seed: number): Journey {
  if (seed % 4 === 0) return new Journey();
  return new Journey(journeyInput(undefined, seed % 4 === 1 ? { waitlisted: true } : { chain: chainOn('2027-01-11') }));
}

describe('the journey decider under random command sequences (property)', () => {
  it('never accepts the wrong COI or DIN, never moves a stage outside the allowed transitions, and never changes state on a refusal', () => {
    let handoffs = 0;
    const reached = new Set<string>();
    const chainEvents = new Set<string>();
    for (let seed = 1; seed <= 300; seed++) {
      const random = prng(seed);
      const j = newJourney(seed);
      let lineLost = false;
      j.grantLines = false;
      for (let i = 0; i < 150 && awaiting(j.state, j.now) !== null; i++) {
        j.advance(Math.floor(random() * 12) * HOUR);
        const before = j.state;
        const command = randomCommand(j, random);
        const decision = j.send(command);
        if (decision.refusal && decision.events.length === 0) expect(j.state, `seed ${seed}`).toBe(before);
        let stage = before.stage;
        let din = before.din;
        // An allocation of the chain already held (a redelivered signal) changes nothing.
        if (command.type === 'chain-allocated' && before.chain?.status === 'held' && command.chain === before.chain.current) expect(decision.events).toEqual([]);
        // A move told twice changes nothing the second time.
        if (command.type === 'chain-moved') {
          const once = j.state;
          expect(j.send(command).events, `seed ${seed}: a move applied twice`).toEqual([]);
          expect(j.state).toBe(once);
        }
        for (const e of decision.events) {
          if (e.type.startsWith('chain-') || e.type === 'line-confirm-requested') chainEvents.add(e.type);
          if (e.type === 'chain-line-lost') lineLost = true;
          // A batch past collection keeps its chain: a move lands only before the cells are collected.
          if (e.type === 'chain-moved') expect(['ORDERED', 'APHERESIS_SCHEDULED'], `seed ${seed}: moved at ${before.stage}`).toContain(before.stage === 'ON_HOLD' ? before.heldFrom : before.stage);
          if (e.type === 'recollection-started') lineLost = false;
          // A batch holding its chain confirms the line held ahead; it asks for any free line only once that line is lost.
          if (e.type === 'slot-requested' && before.chain?.status === 'held') expect(lineLost, `seed ${seed}: a line requested while the chain's line stands`).toBe(true);
          // A batch holding a chain is scheduled only on its chain's own day: another day is a proposal, never a confirmation.
          if (e.type === 'milestone-reached' && e.milestone.milestone === 'apheresis-scheduled' && j.state.chain) {
            const day = e.milestone.data?.proposedDay ?? e.milestone.data?.collectionDay;
            if (day !== undefined) expect(day, `seed ${seed}: scheduled on a day not the chain's`).toBe(j.state.chain.current?.collectionDay);
          }
          // No collection without a chain whose day stands.
          if (e.type === 'handoff-verified' && e.scan.step === 'collection' && before.chain) expect(before.chain.status, `seed ${seed}`).toBe('held');
          if (e.type === 'stage-changed') {
            expect(e.from, `seed ${seed} step ${i}`).toBe(stage);
            expect(canTransition(e.from, e.to), `seed ${seed}: ${e.from} → ${e.to}`).toBe(true);
            stage = e.to;
            reached.add(e.to);
          }
          if (e.type === 'handoff-verified') {
            handoffs++;
            expect(e.scan.coiId.trim(), `seed ${seed}`).toBe(j.state.input.coiId);
            if (e.scan.step !== 'collection') expect(e.din, `seed ${seed}`).toBe(din);
            din = e.scan.step === 'collection' ? e.din : din;
          }
          if (e.type === 'recollection-started') din = undefined;
          if (e.type === 'scan-refused') expect(decision.refusal?.code).toBe(e.code);
        }
        expect(j.state.stage).toBe(stage);
        // Cancelled or failed, nothing of the chain is held any more.
        if (before.chain && (stage === 'CANCELLED' || stage === 'FAILED') && !['CANCELLED', 'FAILED'].includes(before.stage)) {
          expect(j.state.chain?.status, `seed ${seed}: ${before.stage} → ${stage} kept its chain`).toBe('released');
        }
      }
    }
    // The property means something only if the random journeys went far and often.
    expect(handoffs).toBeGreaterThan(500);
    for (const stage of ['ON_HOLD', 'FAILED', 'CANCELLED', 'RELEASED', 'COMPLETED']) expect(reached, stage).toContain(stage);
    for (const event of ['line-confirm-requested', 'chain-line-lost', 'chain-replan-requested', 'chain-replanned', 'chain-waitlisted', 'chain-allocated', 'chain-moved', 'chain-released']) {
      expect(chainEvents, event).toContain(event);
    }
  });
});
