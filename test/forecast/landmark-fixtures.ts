import type { JourneyEvent } from '../../src/domain/batch/index.js';
import type { BatchJourneyRecord } from '../../src/domain/batch/journey-record.js';
import { simulate } from '../../src/sim/twin/simulate.js';
import { baselineScenario } from '../sim/twin-fixtures.js';
import type { Journey } from '../domain/batch/journey-fixtures.js';

export const ATTRIBUTES: BatchJourneyRecord['attributes'] = { laneOutboundId: 'apheresis-1>facility-1', laneReturnId: 'facility-1>treatment-1', cellYield: 2.5 };

/** A hand-driven batch as the twin would have recorded it. */
export function recorded(journey: Journey, enrolledAt: string): BatchJourneyRecord {
  return {
    input: journey.state.input, patientRef: 'test-patient', enrolledAt,
    commands: [...journey.commands], events: [...journey.events], final: journey.state, attributes: ATTRIBUTES,
  };
}

export const movedStage = (events: readonly JourneyEvent[]) => events.some((e) => e.type === 'stage-changed' || e.type === 'milestone-reached');

let run: ReturnType<typeof simulate> | undefined;
/** A small drained twin run, shared by the tests of a file (about a second). */
export const smallTwinRun = () => (run ??= simulate(baselineScenario(), { seed: 7, batches: 400, telemetry: false }));
