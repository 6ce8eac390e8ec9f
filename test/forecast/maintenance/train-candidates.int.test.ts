import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { equipmentActivities } from '../../../activities/equipment-assessment.js';
import { loadConfig } from '../../../src/config.js';
import { createDatabase } from '../../../src/db/client.js';
import { migrateDatabase } from '../../../src/db/migrate.js';
import { equipment, equipmentDailyTelemetry, maintenanceEvents, sites } from '../../../src/db/schema/index.js';
import { DAY_MS } from '../../../src/domain/durations.js';
import { loadEquipmentRecords, maintenanceRows, trainMaintenanceCandidates } from '../../../src/forecast/maintenance/index.js';
import { ensureForecastPython } from '../../../src/forecast/python-env.js';
import { activate } from '../../../src/forecast/registry/index.js';
import { simulate } from '../../../src/sim/twin/simulate.js';
import { stackPaths } from '../../../src/stack/paths.js';
import { stackConfig, unique } from '../../setup/services.js';
import { baselineScenario } from '../../sim/twin-fixtures.js';

// A small twin history of dry shippers (the kind that fails most) written to PostgreSQL under a
// seed and ids of this run's own, and models registered under a scope of its own.
const config = stackConfig();
const { db, pool } = createDatabase(config.DATABASE_URL!, { max: 4 });
const seed = 8_000_000_000 + Math.floor(Math.random() * 1e9);
const prefix = unique('maint');
const site = unique('site');
const scope = unique('scope');
const history = simulate(baselineScenario(), { seed: 31, years: 0.7, telemetry: true });
const shippers = new Set(history.equipment.filter((e) => e.kind === 'dry_shipper').map((e) => e.id));
const dbId = (twinId: string) => `${prefix}:${twinId}`;
const ofShippers = <T extends { equipmentId: string }>(rows: readonly T[]) => rows.filter((r) => shippers.has(r.equipmentId));

beforeAll(async () => {
  await migrateDatabase(config.DATABASE_URL!);
  await db.insert(sites).values({ id: site, kind: 'manufacturing_facility', name: 'Test facility' });
  await db.insert(equipment).values(
    history.equipment.filter((e) => shippers.has(e.id)).map((e) => ({ id: dbId(e.id), siteId: site, kind: e.kind, installedAt: new Date(e.installedAt), simulationSeed: seed })),
  );
  await db.insert(maintenanceEvents).values(
    ofShippers(history.maintenance).map((m) => ({ equipmentId: dbId(m.equipmentId), kind: m.kind, at: new Date(m.at), downtimeHours: m.downtimeHours ?? null })),
  );
  const telemetry = ofShippers(history.telemetry).map((t) => ({ ...t, equipmentId: dbId(t.equipmentId) }));
  for (let i = 0; i < telemetry.length; i += 5000) await db.insert(equipmentDailyTelemetry).values(telemetry.slice(i, i + 5000));
});
afterAll(() => pool.end());

describe('maintenance training from PostgreSQL', () => {
  it('reads back the unit-days the twin made: the same features, and the same labels where the horizon is inside both', async () => {
    const stored = maintenanceRows(await loadEquipmentRecords(db, { source: 'simulated', seed, kind: 'dry_shipper' }));
    const twin = maintenanceRows({ ...history, equipment: history.equipment.filter((e) => shippers.has(e.id)) });
    expect(stored.length).toBe(twin.length);
    const lastDay = Math.max(...twin.map((r) => r.day));
    twin.forEach((row, i) => {
      const mine = stored[i]!;
      expect([mine.equipmentId, mine.day, mine.features]).toEqual([dbId(row.equipmentId), row.day, row.features]);
      if (row.day + 8 < lastDay) expect(mine.labels.failsWithin7Days).toBe(row.labels.failsWithin7Days);
    });
  });

  it('trains both models on the older days, measures them on the newer ones and registers them as candidates', async () => {
    const python = await ensureForecastPython(stackPaths(loadConfig()).root, (line) => console.error(line));
    const { failure, rul, metrics } = await trainMaintenanceCandidates(db, python, { kind: 'dry_shipper', source: 'simulated', seed, scope, rounds: 60 });
    expect([failure.target, failure.scope, failure.state, failure.version]).toEqual(['equipment_failure_7d', scope, 'candidate', 1]);
    expect([rul.target, rul.scope, rul.state]).toEqual(['equipment_rul', scope, 'candidate']);
    expect(metrics.positives).toBeGreaterThan(0);
    // The twin's precursors are strong: the model ranks the failing days far above the rest.
    expect(metrics.prAuc).toBeGreaterThan(0.5);
    expect(metrics.rulMae).toBeLessThan(30);
    expect(failure.metrics).toMatchObject({ precision: metrics.precision, recall: metrics.recall, prAuc: metrics.prAuc, threshold: metrics.threshold });
    // The threshold rule's figures on the same test days travel with the candidate, for the promotion decision.
    expect(failure.metrics).toMatchObject({ rule: { feature: expect.any(String), prAuc: expect.any(Number), precision: expect.any(Number), recall: expect.any(Number) } });
    expect(rul.metrics).toMatchObject({ rulMae: metrics.rulMae });

    // Promoted, the pair serves the worker's assessment: no Python, and `method` names the models.
    await activate(db, failure.id);
    await activate(db, rul.id);
    const unit = [...shippers][0]!;
    const at = new Date((Math.floor(Date.parse(history.endAt) / DAY_MS) - 10) * DAY_MS + 6 * 3600_000).toISOString();
    const assessment = await equipmentActivities({ db, pool }, { scopeOf: () => scope }).assessEquipment({ equipmentId: dbId(unit), at });
    expect(assessment).toMatchObject({ method: 'model', threshold: metrics.threshold });
    expect(assessment.failureProbability7d).toBeGreaterThanOrEqual(0);
    expect(assessment.failureProbability7d).toBeLessThanOrEqual(1);
    expect(assessment.rulDays).toEqual(expect.any(Number));
  }, 120_000);
});
