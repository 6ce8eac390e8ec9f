import { createHash } from 'node:crypto';
import type { JourneyInput, JourneyState } from '../../src/domain/batch/index.js';
import { generateCoiId } from '../../src/domain/coi.js';
import { productProfile } from '../../src/domain/profiles.js';
import type { BatchJourneyRecord } from '../../src/domain/batch/journey-record.js';
import type { SimulationResult } from '../../src/sim/records.js';
import { Journey, QA } from '../domain/batch/journey-fixtures.js';

const HOUR = 3_600_000;
const DAY = 24 * HOUR;
const START = Date.parse('2025-01-06T08:00:00.000Z');
const OTHER_DIN = 'W123426000124';

/** The side paths the fixture's batches take, by batch number: every kind of custody record and both ends of the history. */
const PATHS = ['nominal', 'nominal', 'wrong-bag', 'excursion', 'cancelled', 'in-manufacturing', 'booked', 'booking-moved', 'rejected', 'leg-overdue'] as const;
type Path = (typeof PATHS)[number];

/**
 * A SimulationResult made by driving the journey decider directly, as the twin does: `n` batches
 * of both products through the nominal path and its side paths, some still in flight at the end;
 * two bioreactors with maintenance and daily telemetry. Deterministic in `seed`.
 */
export function simulatedHistory(seed: number, n: number): SimulationResult {
  const batches = Array.from({ length: n }, (_, i) => driveBatch(seed, i, PATHS[i % PATHS.length]!));
  const equipment = ['bioreactor-1', 'bioreactor-2'].map((id) => ({ id, siteId: 'facility-1', kind: 'bioreactor' as const, installedAt: '2024-06-01T00:00:00.000Z' }));
  const days = Array.from({ length: 30 }, (_, d) => new Date(START + d * DAY).toISOString().slice(0, 10));
  return {
    scenario: 'history-fixture',
    seed,
    startAt: new Date(START).toISOString(),
    endAt: new Date(START + 400 * DAY).toISOString(),
    batches,
    equipment,
    maintenance: [
      { equipmentId: 'bioreactor-1', kind: 'service', at: '2025-01-10T06:00:00.000Z', downtimeHours: 8 },
      { equipmentId: 'bioreactor-2', kind: 'failure', at: '2025-01-20T11:00:00.000Z', downtimeHours: 30 },
    ],
    telemetry: equipment.flatMap((unit) =>
      days.map((day, d) => ({ equipmentId: unit.id, day, metric: 'temperature_c', n: 1440, mean: 37 + ((seed + d) % 7) / 100, min: 36.5, max: 37.5, stddev: 0.1, minutesOutOfRange: d % 9 === 0 ? 12 : 0 })),
    ),
  };
}

function driveBatch(seed: number, i: number, path: Path): BatchJourneyRecord {
  const productId = i % 2 === 0 ? 'autologous-cd19-fresh' : 'autologous-bcma-cryo';
  const input: JourneyInput = {
    batchId: `b-${i + 1}`, coiId: coi(seed, i), productId, profile: productProfile(productId),
    apheresisCenterId: 'apheresis-1', facilityId: 'facility-1', treatmentCenterId: `treatment-${(i % 3) + 1}`, timeScale: 1,
  };
  const enrolledAt = new Date(START + i * 6 * HOUR).toISOString();
  const b = new Journey(input, Date.parse(enrolledAt));
  if (path === 'wrong-bag') {
    // The facility first scans another patient's bag (a deviation), then the right one.
    b.drive(() => b.awaiting?.kind === 'handoff' && b.awaiting.step === 'facility-receipt');
    b.scan('facility-receipt', { din: OTHER_DIN });
    b.advance(HOUR);
  }
  const stopAt = (stage: JourneyState['stage']) => () => b.state.stage === stage;
  if (path === 'in-manufacturing') b.drive(stopAt('MANUFACTURING'));
  else if (path === 'booked') b.drive(stopAt('INFUSION_SCHEDULED'));
  else if (path === 'cancelled') {
    b.drive(stopAt('MANUFACTURING'));
    b.send({ type: 'cancel', command: { reason: 'patient withdrew', actor: { name: 'C. Ordinator', role: 'coordinator' } } });
  } else if (path === 'rejected') {
    b.drive(stopAt('AWAITING_QA_RELEASE'));
    b.advance(DAY).send({ type: 'qa-disposition', decision: { decision: 'reject', reason: 'sterility failure', signer: QA, meaning: 'rejected' } });
  } else if (path === 'excursion') {
    b.drive(stopAt('OUTBOUND_TRANSIT'));
    const change = { excursionId: `exc-${seed}-${i}`, change: 'opened', kind: 'excursion', deviceId: `logger-${i}`, metric: 'temperature_c', at: b.iso() } as const;
    b.send({ type: 'excursion', change });
    b.advance(30 * HOUR).send({ type: 'timer-fired' }); // the assessment is overdue: escalated
    b.drive();
  } else if (path === 'leg-overdue') {
    b.drive(stopAt('RETURN_TRANSIT'));
    const leg = b.state.shipments.find((s) => s.state === 'in_transit')!;
    b.advance(3 * DAY).send({ type: 'leg-overdue', shipmentId: leg.shipmentId, leg: leg.leg });
    b.drive();
  } else {
    b.drive(() => path === 'booking-moved' && b.state.stage === 'INFUSION_SCHEDULED');
    if (path === 'booking-moved') {
      b.send({ type: 'book', request: { infusionDate: new Date(Date.parse(b.state.booking!.infusionDate) + DAY).toISOString() } });
      b.drive();
    }
  }
  return { input, patientRef: `sim-${seed}-${i + 1}`, enrolledAt, commands: b.commands, events: b.events, final: b.state, attributes: { laneOutboundId: 'lane-out', laneReturnId: 'lane-back', cellYield: 2 + (i % 5) / 2 } };
}

/** A COI id per seed and batch, from hashed bytes instead of random ones. */
const coi = (seed: number, i: number) => generateCoiId(createHash('sha256').update(`${seed}:${i}`).digest());
