import { describe, expect, it } from 'vitest';
import { decide, evolve, initialState, isEnded, type JourneyEvent } from '../../src/domain/batch/index.js';
import { isCoiId } from '../../src/domain/coi.js';
import { parseDin } from '../../src/domain/din.js';
import type { BatchJourneyRecord } from '../../src/domain/batch/journey-record.js';
import { simulate } from '../../src/sim/twin/simulate.js';
import { baselineScenario } from './twin-fixtures.js';

/** Replays a simulated batch's commands through the decider alone, from its enrolment. */
function replay(batch: BatchJourneyRecord) {
  let state = initialState(batch.input, batch.enrolledAt);
  const events: JourneyEvent[] = [];
  let silent = 0;
  for (const command of batch.commands) {
    const decision = decide(command, state);
    if (decision.events.length === 0) silent++;
    events.push(...decision.events);
    state = decision.events.reduce(evolve, state);
  }
  return { state, events, silent };
}

describe('the digital twin moves batches only through the journey decider', () => {
  const result = simulate(baselineScenario(), { seed: 7, years: 1, telemetry: false });

  it('replaying every batch’s commands from its initial state gives its final state and its events', () => {
    expect(result.batches.length).toBeGreaterThan(300);
    for (const batch of result.batches) {
      const { state, events, silent } = replay(batch);
      expect(silent, `${batch.input.batchId}: a recorded command changed nothing`).toBe(0);
      expect(events).toEqual(batch.events);
      expect(state).toEqual(batch.final);
    }
  });

  it('follows every batch to its end when it drains, through the side paths too', () => {
    expect(result.batches.every((b) => isEnded(b.final))).toBe(true);
    const stages = (b: BatchJourneyRecord) => b.final.timeline.filter((t) => t.event === 'stage').map((t) => t.stage);
    const some = (p: (b: BatchJourneyRecord) => boolean) => result.batches.some(p);
    expect(some((b) => b.final.stage === 'COMPLETED')).toBe(true);
    expect(some((b) => b.final.stage === 'CANCELLED')).toBe(true);
    expect(some((b) => stages(b).includes('ON_HOLD'))).toBe(true);
    expect(some((b) => stages(b).includes('FAILED') && b.final.attempt === 2 && b.final.stage === 'COMPLETED')).toBe(true);
    expect(some((b) => b.final.timeline.some((t) => t.event === 'escalation'))).toBe(true);
  });

  it('scans with the batch’s COI id and a valid ISBT 128 DIN per attempt', () => {
    for (const batch of result.batches) {
      expect(isCoiId(batch.input.coiId)).toBe(true);
      const dins = new Map<number, string>();
      let attempt = 1;
      for (const command of batch.commands) {
        if (command.type === 'milestone' && command.milestone.milestone === 'recollection-scheduled') attempt++;
        if (command.type !== 'scan') continue;
        expect(command.scan.coiId).toBe(batch.input.coiId);
        expect(parseDin(command.scan.din).ok).toBe(true);
        if (!dins.has(attempt)) dins.set(attempt, command.scan.din);
        expect(command.scan.din).toBe(dins.get(attempt));
      }
      expect(new Set(dins.values()).size).toBe(dins.size);
    }
  });

  it('names batches with uuids and patients with pseudonyms, each once', () => {
    const ids = result.batches.map((b) => b.input.batchId);
    expect(new Set(ids).size).toBe(ids.length);
    expect(ids.every((id) => /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/.test(id))).toBe(true);
    expect(result.batches.every((b) => /^sim-7-\d+$/.test(b.patientRef))).toBe(true);
  });

  it('leaves the last batches in flight when it does not drain, and they replay too', () => {
    const open = simulate(baselineScenario(), { seed: 8, batches: 60, drain: false, telemetry: false });
    expect(open.batches).toHaveLength(60);
    expect(open.batches.some((b) => !isEnded(b.final))).toBe(true);
    for (const batch of open.batches) expect(replay(batch).state).toEqual(batch.final);
  });
});
