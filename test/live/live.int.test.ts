import { Kafka, logLevel } from 'kafkajs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { prepareDatabase } from '../../src/cli/migrate-command.js';
import { verifyCustodyChains } from '../../src/db/audit.js';
import { createDatabase } from '../../src/db/client.js';
import { REFERENCE_BIOREACTORS, REFERENCE_SITES } from '../../src/db/seed.js';
import type { Incident } from '../../src/live/incidents.js';
import type { LiveEvent } from '../../src/live/narration.js';
import { runLive } from '../../src/live/run-live.js';
import { scenarioPace } from '../../src/live/scenario-pace.js';
import { expectOk, readBatch, type BatchDetail } from '../../src/live/v2v-api.js';
import { loadScenario } from '../../src/sim/scenario/load-scenario.js';
import { useJourneyServices } from '../setup/journey-services.js';
import { stackConfig } from '../setup/services.js';

/**
 * Live mode against the real stack: `v2v worker` and `v2v ingest` as processes, the API in-process,
 * three patients on a day-per-second clock with their loggers and bioreactor probes publishing to
 * this file's own readings topic, which ingest judges at ten minutes a second; partners keep the
 * baseline scenario's pace. The script: patient
 * 2's dry shipper warms up in transit (the batch is held until QA assesses it), patient 1's courier
 * is late past the chilled leg's stability window (a deviation), patient 3's bioreactor drifts.
 */
const TIME_SCALE = 86_400;
const SENSOR_TIME_SCALE = 600;
const INCIDENTS: Incident[] = [
  { kind: 'late-courier', patient: 1, leg: 'outbound', lateHours: 6 },
  { kind: 'transit-excursion', patient: 2, leg: 'outbound', afterHours: 2, minutes: 20 },
  { kind: 'degrading-bioreactor', patient: 3, afterDays: 1, minutes: 40 },
];
const config = stackConfig();
const { pool } = createDatabase(config.DATABASE_URL!, { max: 2 });
const services = useJourneyServices(TIME_SCALE, SENSOR_TIME_SCALE);
const kafka = new Kafka({ clientId: 'live-test', brokers: config.KAFKA_BROKERS!.split(','), logLevel: logLevel.NOTHING });
beforeAll(() => prepareDatabase(config.DATABASE_URL!));
afterAll(() => pool.end());

describe('live mode', () => {
  it('takes patients vein to vein through the real stack with sensors on Kafka and scripted incidents', { timeout: 150_000 }, async () => {
    const events: LiveEvent[] = [];
    const run = await runLive({
      identities: services.identities, kafka, topic: services.ingest.topic, patients: 3, seed: 7,
      timeScale: TIME_SCALE, sensorTimeScale: SENSOR_TIME_SCALE, incidents: INCIDENTS, arrivalDays: 0.5, pace: scenarioPace(loadScenario('scenarios/baseline.json')),
      products: ['autologous-cd19-fresh', 'autologous-bcma-cryo'], sites: REFERENCE_SITES.map((s) => s.id), bioreactors: REFERENCE_BIOREACTORS.map((b) => b.id),
      narrate: (event) => events.push(event),
      timeoutMs: 120_000,
    });

    expect(run.outcomes.map((o) => `${o.productId} ${o.stage}`)).toEqual(['autologous-cd19-fresh COMPLETED', 'autologous-bcma-cryo COMPLETED', 'autologous-cd19-fresh COMPLETED']);
    expect(run.readingsPublished).toBeGreaterThan(100);

    // The excursion in transit held patient 2's batch for QA, whose assessment resumed the journey. Read
    // from the batch's own timeline: a hold lasts a few simulated hours, milliseconds here, which polling misses.
    const second: BatchDetail = await readBatch(services.identities.admin.api, run.outcomes[1]!.batchId);
    const stages = second.timeline.filter((t) => t.event === 'stage').map((t) => t.stage);
    const hold = stages.indexOf('ON_HOLD');
    expect(stages[hold - 1]).toBe('OUTBOUND_TRANSIT');
    expect(stages[hold + 1]).toBe('OUTBOUND_TRANSIT');
    const excursion = second.issues.find((i) => i.kind === 'excursion');
    expect(excursion).toMatchObject({ blocking: true, state: 'closed', assessment: { impact: 'none' } });
    // Only the excursion held it; a stability-window deviation may join it when the worker, loaded by
    // the other test files, takes an hour or two of this clock (a second each) to move the batch on.
    expect(second.issues.filter((i) => i.blocking && i.kind !== 'deviation')).toHaveLength(1);
    const excursions = (query: { batchId?: string; deviceId?: string }) =>
      services.identities.qa.api.GET('/v1/excursions', { params: { query: { ...query, kind: 'excursion' } } }).then((r) => expectOk('GET /v1/excursions', r).excursions);
    const rows = await excursions({ batchId: second.batchId });
    expect(rows).toMatchObject([{ id: excursion!.id, state: 'closed', assessment: { impact: 'none' } }]);

    // The late courier: the leg outlived its stability window, a deviation QA assessed.
    const first = await readBatch(services.identities.admin.api, run.outcomes[0]!.batchId);
    expect(first.issues.find((i) => i.kind === 'deviation')).toMatchObject({ blocking: true, assessment: { impact: 'none' } });
    // The drifting bioreactor opened an excursion on its probe.
    const probe = `probe-${run.outcomes[2]!.batchId}-1`;
    const drift = await excursions({ deviceId: probe });
    expect(drift.map((e) => e.metric)).toContain('ph');
    for (const type of ['held', 'assessed'] as const) expect(events.filter((e) => e.type === type && e.patient !== 3).length).toBeGreaterThanOrEqual(2);

    // Every batch has its six hand-offs in a custody chain that still verifies.
    for (const outcome of run.outcomes) {
      const detail = await readBatch(services.identities.admin.api, outcome.batchId);
      expect(detail.custody.filter((r) => r.kind === 'handoff')).toHaveLength(6);
      expect(await verifyCustodyChains(pool, outcome.batchId)).toMatchObject({ batches: 1, breaks: [] });
    }
    // Patient references name the run, never a person.
    const { rows: refs } = await pool.query<{ patient_ref: string }>('select patient_ref from batches where id = any($1::uuid[]) order by patient_ref', [run.outcomes.map((o) => o.batchId)]);
    expect(refs.map((r) => r.patient_ref)).toEqual(['live-7-1', 'live-7-2', 'live-7-3']);
  });
});
