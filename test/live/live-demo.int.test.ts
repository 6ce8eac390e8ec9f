import { afterAll, describe, expect, it } from 'vitest';
import { createDatabase } from '../../src/db/client.js';
import type { LiveIdentities } from '../../src/live/identities.js';
import { liveSession } from '../../src/live/live-session.js';
import { DEMO_INCIDENTS } from '../../src/live/demo-script.js';
import type { Incident } from '../../src/live/incidents.js';
import { verifyCustodyChains } from '../../src/db/audit.js';
import { expectOk, readBatch } from '../../src/live/v2v-api.js';
import { BASELINE_SCENARIO } from '../../src/cli/simulate-live-command.js';
import { REFERENCE_BIOREACTORS } from '../../src/db/seed.js';
import { pino } from 'pino';
import { stackConfig, unique } from '../setup/services.js';

/**
 * The demo's script, short: three patients (one per scripted story) through live mode in this process
 * (worker, ingest on its own topic, API), a day a second, then checked through the API as the
 * dashboard would read it: the excursion in transit opened and assessed, the booking flagged at
 * risk (its alert) and moved, the bioreactor's drift an equipment excursion and, assessed on the
 * run's clock, a maintenance ticket with its alert. Patient 1's courier is also late past the chilled
 * leg's stability window (a deviation QA assesses), a story the demo does not tell.
 */
const config = { ...stackConfig(), V2V_INGEST_TOPIC: unique('demo-readings'), V2V_INGEST_GROUP: unique('demo-ingest') };
const { pool } = createDatabase(config.DATABASE_URL!, { max: 1 });
afterAll(() => pool.end());
const INCIDENTS: Incident[] = [...DEMO_INCIDENTS, { kind: 'late-courier', patient: 1, leg: 'outbound', lateHours: 6 }];
/** Patient 1 grows in the reference facility's first bioreactor (live mode takes them in turn). */
const degrading = REFERENCE_BIOREACTORS[0]!.id;

/** Each patient's batch and alert kinds, and patient 1's probe's excursions, as the dashboard reads them. */
async function whatTheDashboardShows(identities: LiveIdentities, batchIds: string[]) {
  const [first, second, third] = await Promise.all(
    batchIds.map(async (batchId) => ({
      detail: await readBatch(identities.admin.api, batchId),
      alerts: expectOk('GET /v1/alerts', await identities.admin.api.GET('/v1/alerts', { params: { query: { batchId } } })).alerts.map((a) => a.kind),
    })),
  );
  const probe = { deviceId: `probe-${batchIds[0]}-1`, kind: 'excursion' as const };
  const drift = expectOk('GET /v1/excursions', await identities.qa.api.GET('/v1/excursions', { params: { query: probe } })).excursions;
  const unit = expectOk('GET /v1/equipment/{id}', await identities.admin.api.GET('/v1/equipment/{id}', { params: { path: { id: degrading } } }));
  const unitAlerts = expectOk('GET /v1/alerts', await identities.admin.api.GET('/v1/alerts', { params: { query: { equipmentId: degrading, kind: 'maintenance-ticket' } } })).alerts;
  return { first: first!, second: second!, third: third!, drift, unit, unitAlerts };
}

/** The unit serviced: its open ticket closed, so its line takes slots again (for the next run, and other tests). */
async function service(identities: LiveIdentities) {
  expectOk('POST /v1/equipment/{id}/service', await identities.admin.api.POST('/v1/equipment/{id}/service', { params: { path: { id: degrading } }, body: {} }));
}

describe('the demo', () => {
  it('tells its three stories: an excursion in transit, a booking put at risk by a slipping forecast, a drifting bioreactor', { timeout: 240_000 }, async () => {
    let identities!: LiveIdentities;
    const lines: string[] = [];
    // A ticket left open by an earlier run would be the one the assessments find: this run must open its own.
    await pool.query(`update maintenance_tickets set state = 'closed', closed_at = now() where equipment_id = $1 and state = 'open'`, [degrading]);
    const startedAt = Date.now();
    // Read while the session's API still runs: it stops with the session.
    let seen!: Awaited<ReturnType<typeof whatTheDashboardShows>>;
    const run = await liveSession(
      config,
      pino({ level: 'silent' }),
      { patients: 3, seed: 11, timeScale: 86_400, sensorTimeScale: 600, arrivalDays: 0.5, external: false, scenario: BASELINE_SCENARIO, randomIncidents: false, incidents: INCIDENTS },
      (line) => lines.push(line),
      {
        apiPort: 0,
        onStarted: (started) => void (identities = started.identities),
        afterRun: async (done) => {
          seen = await whatTheDashboardShows(identities, done.outcomes.map((o) => o.batchId));
          await service(identities);
        },
      },
    );
    const { first, second, third, drift, unit, unitAlerts } = seen;

    // Patient 2: the dry shipper's excursion held the batch in transit; QA assessed it, signing as its user.
    const excursion = second.detail.issues.find((i) => i.kind === 'excursion');
    expect(excursion).toMatchObject({ blocking: true, assessment: { impact: 'none', signer: { name: identities.qa.principal.name } } });

    // Patient 3: booked on release, flagged at risk when the late pickup moved P90 past LD, then moved.
    const story = lines.filter((l) => /patient {2}3 /.test(l)).join('\n');
    expect(third.alerts, story).toContain('booking-at-risk');
    expect(third.detail.timeline.filter((t) => t.event === 'infusion-booked').length).toBeGreaterThanOrEqual(2);
    expect(lines.some((l) => /patient {2}3 .*booking-at-risk: the forecast slipped/.test(l))).toBe(true);

    // Patient 1: the bioreactor's pH drift is an excursion on its probe. (Whether it also holds the batch
    // depends on the equipment's workflow forwarding it before the culture moves on, a second here.)
    expect(drift.map((e) => e.metric)).toContain('ph');
    expect(first.detail.stage).toBe('COMPLETED');
    // ...and the unit, assessed once a day of the run's clock, crossed its threshold during the run:
    // a maintenance ticket opened in this run, and its alert.
    const ticket = unit.tickets.find((t) => Date.parse(t.openedAt) >= startedAt);
    expect(ticket, JSON.stringify(unit.assessments.slice(0, 5))).toMatchObject({ reason: expect.stringContaining('7-day failure probability') });
    expect(unitAlerts.some((a) => Date.parse(a.createdAt) >= startedAt)).toBe(true);

    // Patient 1's late courier: the leg outlived its stability window, a deviation QA assessed.
    expect(first.detail.issues.find((i) => i.kind === 'deviation')).toMatchObject({ blocking: true, assessment: { impact: 'none' } });

    expect(run.outcomes.map((o) => o.stage)).toEqual(['COMPLETED', 'COMPLETED', 'COMPLETED']);
    // Every batch has its six hand-offs in a custody chain that still verifies.
    for (const { detail } of [first, second, third]) expect(detail.custody.filter((r) => r.kind === 'handoff')).toHaveLength(6);
    for (const outcome of run.outcomes) expect(await verifyCustodyChains(pool, outcome.batchId)).toMatchObject({ batches: 1, breaks: [] });
    // Patient references name the run, never a person.
    const { rows: refs } = await pool.query<{ patient_ref: string }>('select patient_ref from batches where id = any($1::uuid[]) order by patient_ref', [run.outcomes.map((o) => o.batchId)]);
    expect(refs.map((r) => r.patient_ref)).toEqual(['live-11-1', 'live-11-2', 'live-11-3']);
  });
});
