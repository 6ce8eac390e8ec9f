import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { forecastActivities } from '../../activities/forecast.js';
import { verifyCustodyChains } from '../../src/db/audit.js';
import { createDatabase } from '../../src/db/client.js';
import { migrateDatabase } from '../../src/db/migrate.js';
import { seedReferenceData } from '../../src/db/seed.js';
import { historyChecksum } from '../../src/sim/history/checksum.js';
import { runHistory } from '../../src/sim/history/run-history.js';
import { writeHistory } from '../../src/sim/history/write-history.js';
import { repoRoot } from '../../src/stack/paths.js';
import type { SimulationResult } from '../../src/sim/records.js';
import { loadScenario } from '../../src/sim/scenario/load-scenario.js';
import { createBatch, createSites } from '../activities/batch-fixtures.js';
import { journeyInput, stateThrough } from '../activities/forecast-fixtures.js';
import { stackConfig, unique } from '../setup/services.js';
import { simulatedHistory } from './history-fixture.js';

const url = stackConfig().DATABASE_URL!;
const { db, pool } = createDatabase(url, { max: 4 });
// The owner: creates databases, and meets the append-only trigger itself (the processes' role lacks DELETE).
const ownerUrl = stackConfig().DATABASE_OWNER_URL ?? url;
const owner = createDatabase(ownerUrl, { max: 1 });
afterAll(() => owner.pool.end());
// Seeds of this file only: writing one again replaces what an earlier run left.
const SEED = 880_001;
const OTHER_SEED = 880_002;
const TWIN_SEED = 880_010;
const N = 60;

beforeAll(async () => {
  await migrateDatabase(url);
  await seedReferenceData(db);
});
afterAll(() => pool.end());

const count = async (sql: string, params: unknown[] = [SEED]) => Number((await pool.query<{ n: string }>(sql, params)).rows[0]!.n);

describe('v2v simulate history writes a simulation into the real tables', () => {
  it('writes every batch, marked simulated, in the tables and shapes the real system writes, some still in flight', async () => {
    const written = await writeHistory(pool, simulatedHistory(SEED, N));
    expect(written.batches.finished + written.batches.inFlight).toBe(N);
    expect(written.batches.inFlight).toBeGreaterThan(0);

    expect(await count('select count(*) as n from batches where simulation_seed = $1 and simulated and time_scale = 1')).toBe(N);
    const inFlight = await count(`select count(*) as n from batches where simulation_seed = $1 and stage not in ('COMPLETED', 'CANCELLED')`);
    expect(inFlight).toBe(written.batches.inFlight);
    expect(await count('select count(*) as n from sites where simulation_seed = $1 and simulated')).toBe(written.rows['sites']);
    for (const table of ['batch_stage_history', 'custody_events', 'shipments', 'manufacturing_slots', 'infusion_bookings']) {
      const rows = await count(`select count(*) as n from ${table} where batch_id in (select id from batches where simulation_seed = $1)`);
      expect(rows, table).toBe(written.rows[table]);
      expect(rows, table).toBeGreaterThan(0);
    }
    expect(await count('select count(*) as n from custody_events where simulation_seed is distinct from $1 and batch_id in (select id from batches where simulation_seed = $1)')).toBe(0);
    // Batches in flight hold what the activities would hold: a reserved line, an active chair.
    expect(await count(`select count(*) as n from manufacturing_slots s join batches b on b.id = s.batch_id where b.simulation_seed = $1 and s.state = 'reserved' and b.stage = 'MANUFACTURING'`)).toBeGreaterThan(0);
    expect(await count(`select count(*) as n from infusion_bookings i join batches b on b.id = i.batch_id where b.simulation_seed = $1 and i.state = 'active' and b.stage = 'INFUSION_SCHEDULED'`)).toBeGreaterThan(0);
    expect(await count(`select count(*) as n from equipment_daily_telemetry t join equipment e on e.id = t.equipment_id where e.simulation_seed = $1 and e.simulated`)).toBe(60);
    expect(await count(`select count(*) as n from maintenance_events m join equipment e on e.id = m.equipment_id where e.simulation_seed = $1`)).toBe(2);
  });

  it('gives the same rows for the same seed, replacing the earlier write, and other rows for another seed', async () => {
    const first = await historyChecksum(pool, SEED);
    const again = await writeHistory(pool, simulatedHistory(SEED, N));
    expect(again.replaced).toBe(N);
    const second = await historyChecksum(pool, SEED);
    expect(second).toEqual(first);
    expect(first.tables['custody_events']!.rows).toBeGreaterThan(N);

    await writeHistory(pool, simulatedHistory(OTHER_SEED, N));
    const other = await historyChecksum(pool, OTHER_SEED);
    expect(other.md5).not.toBe(first.md5);
    expect(other.tables['batches']!.rows).toBe(N);
  });

  it('chains custody records exactly like the real activity, so audit verify passes on every simulated batch', async () => {
    const { rows } = await pool.query<{ id: string }>('select id from batches where simulation_seed = $1 order by id', [SEED]);
    let records = 0;
    for (const { id } of rows) {
      const audit = await verifyCustodyChains(pool, id);
      expect(audit.breaks, id).toEqual([]);
      records += audit.records;
    }
    expect(records).toBe(await count('select count(*) as n from custody_events where simulation_seed = $1'));
    const kinds = (await pool.query<{ kind: string }>('select distinct kind from custody_events where simulation_seed = $1 order by kind', [SEED])).rows.map((r) => r.kind);
    expect(kinds).toEqual(['cancellation', 'deviation', 'escalation', 'excursion-assessment', 'handoff', 'infusion-booking', 'qa-disposition']);
  });

  it('lets a simulated batch’s custody records be deleted, and no real one be marked simulated', async () => {
    const real = await createBatch(db, { productId: 'autologous-cd19-fresh', ...(await createSites(db)) });
    const insertMarked = pool.query(
      `insert into custody_events (record_key, batch_id, seq, kind, actor_name, actor_role, occurred_at, hash, simulation_seed) values ($1, $2, 1, 'handoff', 'A', 'B', now(), 'h', $3)`,
      [unique('custody'), real.id, SEED],
    );
    await expect(insertMarked).rejects.toMatchObject({ constraint: 'custody_events_simulated_batch_fk' });
    await pool.query(`insert into custody_events (record_key, batch_id, seq, kind, actor_name, actor_role, occurred_at, hash) values ($1, $2, 1, 'handoff', 'A', 'B', now(), 'h')`, [unique('custody'), real.id]);
    await expect(owner.pool.query('delete from custody_events where batch_id = $1', [real.id])).rejects.toThrow(/append-only/);
    await expect(pool.query('delete from custody_events where batch_id = $1', [real.id])).rejects.toThrow(/permission denied/);
  });

  it('keeps simulated batches out of the forecast baseline of real batches', async () => {
    // Simulated history of a product no real batch has: only it could turn the baseline empirical.
    const productId = unique('sim-product');
    const history = simulatedHistory(OTHER_SEED + 1, 20);
    const onProduct: SimulationResult = { ...history, batches: history.batches.map((b) => ({ ...b, input: { ...b.input, productId, profile: { ...b.input.profile, id: productId } } })) };
    await writeHistory(pool, onProduct);
    expect(await count(`select count(distinct batch_id) as n from batch_stage_history where product_id = $1 and stage = 'RELEASED'`, [productId])).toBeGreaterThanOrEqual(5);

    const sites = await createSites(db);
    const real = await createBatch(db, { productId, ...sites });
    // A scope of its own: no model anyone promoted can stand in for the baseline under test.
    const activities = forecastActivities({ db, pool }, { scope: unique('scope') });
    const now = new Date().toISOString();
    const state = stateThrough(journeyInput({ batchId: real.id, productId, ...sites }), now, [['COLLECTED', now]]);
    const forecast = await activities.forecastTurnaround({ state, at: now });
    expect(forecast.method).toBe('profile-nominal');
  });

  it('writes the twin’s run of the baseline scenario: the same seed, the same checksum; the scenario’s capacities; every chain verified', async () => {
    const options = { scenarioFile: `${repoRoot}/scenarios/baseline.json`, batches: 300, seed: TWIN_SEED, checksum: true };
    const first = await runHistory(pool, options);
    const again = await runHistory(pool, options);
    expect(again.checksum).toEqual(first.checksum);
    expect(again.written.replaced).toBe(300);
    expect(first.written.batches.inFlight).toBeGreaterThan(0);
    expect(first.written.rows['equipment_daily_telemetry']).toBeGreaterThan(0);
    // At least the scenario's lines and chairs, and no row names one the site does not have.
    const { rows: facilities } = await pool.query<{ id: string; lines: number }>(`select id, manufacturing_lines as lines from sites where simulation_seed = $1 and kind = 'manufacturing_facility'`, [TWIN_SEED]);
    const declared = loadScenario(options.scenarioFile).network.facilities;
    expect(facilities.map((f) => f.id).sort()).toEqual(declared.map((f) => `sim-${TWIN_SEED}-${f.id}`).sort());
    for (const f of facilities) expect(f.lines).toBeGreaterThanOrEqual(declared.find((d) => `sim-${TWIN_SEED}-${d.id}` === f.id)!.lines);
    const lineBeyond = `select count(*) as n from manufacturing_slots m join sites s on s.id = m.facility_id where s.simulation_seed = $1 and substr(m.line, 6)::int > s.manufacturing_lines`;
    const chairBeyond = `select count(*) as n from infusion_bookings i join sites s on s.id = i.site_id where s.simulation_seed = $1 and substr(i.chair, 7)::int > s.infusion_chairs`;
    expect(await count(lineBeyond, [TWIN_SEED])).toBe(0);
    expect(await count(chairBeyond, [TWIN_SEED])).toBe(0);
    const { rows } = await pool.query<{ id: string }>('select id from batches where simulation_seed = $1', [TWIN_SEED]);
    for (const { id } of rows) expect((await verifyCustodyChains(pool, id)).breaks, id).toEqual([]);
  });
});

describe('the migrations of simulated history', () => {
  it('apply to a fresh database, and again to the running one', async () => {
    const name = `v2v_fresh_${Date.now().toString(36)}`;
    await owner.pool.query(`create database ${name}`);
    try {
      const fresh = new URL(ownerUrl);
      fresh.pathname = `/${name}`;
      await migrateDatabase(fresh.toString());
      await migrateDatabase(ownerUrl);
    } finally {
      await owner.pool.query(`drop database ${name}`);
    }
  });
});
