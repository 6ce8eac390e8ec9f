import type pg from 'pg';
import type { JsonRecordsetRow, PgRow } from '../db/pg-row.js';
import type { engineState, excursions, workflowSignals } from '../db/schema/index.js';
import { applyReadings, gapDueAt, newEngineState, sweepGaps, type EngineState } from '../domain/excursions/index.js';
import type { EngineReading, EpisodeChange, RuleSet } from '../domain/excursions/types.js';
import { batchWorkflowId, type ExcursionChange } from '../../workflows/messages.js';
import { equipmentWorkflowId } from '../../workflows/equipment-messages.js';
import { loadRegistrations, type Binding } from './bindings.js';

type EngineStateRow = PgRow<typeof engineState>;

/** The readings of one binding that were stored for the first time in this transaction. */
export interface BindingWork {
  deviceId: string;
  binding: Binding & { rules: RuleSet };
  readings: EngineReading[];
}

/**
 * Runs the excursion engine for the given bindings inside the caller's transaction: locks their
 * stored state, applies the new readings, writes the state back with the excursion rows and the
 * workflow signals that the changes imply. Returns the number of changes and of too-late readings.
 */
export async function evaluateBindings(client: pg.PoolClient, work: BindingWork[], timeScale: number): Promise<{ changes: number; tooLate: number }> {
  if (work.length === 0) return { changes: 0, tooLate: 0 };
  const states = await lockStates(client, work.map((w) => w.binding.id));
  let changes = 0;
  let tooLate = 0;
  const saved: SavedState[] = [];
  for (const w of work) {
    const result = applyReadings(states.get(w.binding.id) ?? newEngineState(), w.readings, w.binding.rules, w.binding.id);
    tooLate += result.tooLate;
    changes += result.changes.length;
    saved.push({ deviceId: w.deviceId, binding: w.binding, state: result.state, changes: result.changes });
  }
  await recordChanges(client, saved);
  await saveStates(client, saved, timeScale);
  return { changes, tooLate };
}

/** Opens telemetry gaps on bindings whose devices have gone silent; several sweepers never collide. */
export async function sweepDueGaps(client: pg.PoolClient, now: number, timeScale: number, limit = 200): Promise<number> {
  const { rows } = await client.query<Pick<EngineStateRow, 'binding_id' | 'device_id' | 'state'>>(
    `select binding_id, device_id, state from engine_state where gap_due_at < to_timestamp($1 / 1000.0) and time_scale = $3
      order by binding_id limit $2 for update skip locked`,
    [now, limit, timeScale],
  );
  if (rows.length === 0) return 0;
  const devices = await loadRegistrations(client, [...new Set(rows.map((r) => r.device_id))], timeScale);
  let changes = 0;
  const saved: SavedState[] = [];
  for (const row of rows) {
    const binding = devices.get(row.device_id)?.bindings.find((b) => b.id === row.binding_id);
    if (!binding?.rules || binding.to <= now) {
      // The binding has ended (or lost its rules): silence is expected now, so stop watching it.
      await client.query('update engine_state set gap_due_at = null where binding_id = $1', [row.binding_id]);
      continue;
    }
    const withRules = { ...binding, rules: binding.rules };
    const result = sweepGaps(row.state, now, withRules.rules, binding.id);
    changes += result.changes.length;
    saved.push({ deviceId: row.device_id, binding: withRules, state: result.state, changes: result.changes });
  }
  await recordChanges(client, saved);
  await saveStates(client, saved, timeScale);
  return changes;
}

interface SavedState {
  deviceId: string;
  binding: Binding & { rules: RuleSet };
  state: EngineState;
  changes: EpisodeChange[];
}

async function lockStates(client: pg.PoolClient, bindingIds: string[]): Promise<Map<string, EngineState>> {
  // In id order, so two transactions that share bindings cannot deadlock.
  const { rows } = await client.query<Pick<EngineStateRow, 'binding_id' | 'state'>>({
    name: 'ingest-lock-states',
    text: 'select binding_id, state from engine_state where binding_id = any($1::uuid[]) order by binding_id for update',
    values: [bindingIds],
  });
  return new Map(rows.map((r) => [r.binding_id, r.state]));
}

async function saveStates(client: pg.PoolClient, saved: SavedState[], timeScale: number): Promise<void> {
  if (saved.length === 0) return;
  // Silence is judged on both clocks: no reading newer than the gap time (event time) and nothing
  // heard for the gap time (arrival). A backfill of old readings, or ingest running behind, keeps
  // arriving, so it is not mistaken for a silent device and no gap opens and withdraws per chunk.
  // Ingest that stalls hears nothing at all: the sweeper's watermark covers that (src/ingest/heard-through.ts).
  const heardAt = Date.now();
  const dueAt = (s: SavedState) => {
    const due = gapDueAt(s.state, s.binding.rules);
    if (due === undefined) return null;
    const both = Math.max(due, heardAt + s.binding.rules.gapAfterMs);
    return both >= s.binding.to ? null : new Date(both).toISOString();
  };
  // The states as one JSON document rather than a jsonb[]: an array literal would escape every quote of every state.
  await client.query({
    name: 'ingest-save-states',
    text: `insert into engine_state (binding_id, device_id, state, gap_due_at, time_scale, updated_at)
     select t.b, t.d, s.s, t.g, $5, now()
       from unnest($1::uuid[], $2::text[], $4::timestamptz[]) with ordinality as t(b, d, g, i)
       join jsonb_array_elements($3::jsonb) with ordinality as s(s, i) on s.i = t.i
     on conflict (binding_id) do update
       set state = excluded.state, gap_due_at = excluded.gap_due_at, time_scale = excluded.time_scale, updated_at = now()`,
    values: [saved.map((s) => s.binding.id), saved.map((s) => s.deviceId), JSON.stringify(saved.map((s) => s.state)), saved.map(dueAt), timeScale],
  });
}

/**
 * Each change updates its excursion row; opening and closing (a withdrawal closes) also queue a
 * signal for the workflow that cares: the batch of a shipment, or the equipment's own workflow.
 * The change id makes a re-derived change one row, however often the engine reports it. One
 * statement each for the whole chunk.
 */
async function recordChanges(client: pg.PoolClient, saved: SavedState[]): Promise<void> {
  const excursionRows = saved.flatMap(({ deviceId, binding, changes }) => {
    // One row per episode, its last change winning (an episode can open and close in one chunk).
    const latest = new Map(changes.map((c) => [c.episode.id, c]));
    return [...latest.values()].map(({ change, episode }) => excursionRow(deviceId, binding, change, episode));
  });
  if (excursionRows.length === 0) return;
  await client.query(
    `insert into excursions (id, kind, device_id, batch_id, shipment_id, equipment_id, binding_id, metric, rule, state, opened_at, closed_at, peak_value, duration_ms)
     select id, kind, device_id, batch_id, shipment_id, equipment_id, binding_id, metric, rule, state, opened_at, closed_at, peak_value, duration_ms
       from json_populate_recordset(null::excursions, $1::json)
     on conflict (id) do update set state = excluded.state, closed_at = excluded.closed_at, peak_value = excluded.peak_value,
       duration_ms = excluded.duration_ms, updated_at = now()`,
    [JSON.stringify(excursionRows)],
  );
  const signals = saved.flatMap(({ deviceId, binding, changes }) => signalRows(deviceId, binding, changes));
  if (signals.length === 0) return;
  await client.query(
    `insert into workflow_signals (change_id, workflow_id, workflow_kind, equipment_id, signal, payload)
     select change_id, workflow_id, workflow_kind, equipment_id, signal, payload from json_populate_recordset(null::workflow_signals, $1::json)
     on conflict (change_id) do nothing`,
    [JSON.stringify(signals)],
  );
}

function excursionRow(deviceId: string, binding: Binding, change: EpisodeChange['change'], episode: EpisodeChange['episode']) {
  return {
    id: episode.id,
    kind: episode.kind,
    device_id: deviceId,
    batch_id: binding.batchId,
    shipment_id: binding.shipmentId,
    equipment_id: binding.equipmentId,
    binding_id: binding.id,
    metric: episode.metric ?? null,
    rule: episode.ruleId === undefined ? null : binding.rules?.rules.find((r) => r.id === episode.ruleId) ?? { id: episode.ruleId },
    state: change === 'withdrawn' ? 'withdrawn' : episode.closedAt === undefined ? 'open' : 'closed',
    opened_at: new Date(episode.openedAt).toISOString(),
    closed_at: episode.closedAt === undefined ? null : new Date(episode.closedAt).toISOString(),
    peak_value: episode.peak ?? null,
    duration_ms: episode.closedAt === undefined ? null : episode.closedAt - episode.openedAt,
  } satisfies JsonRecordsetRow<typeof excursions>;
}

function signalRows(deviceId: string, binding: Binding, changes: EpisodeChange[]) {
  const workflow = workflowOf(binding);
  if (workflow === undefined) return [];
  return changes
    .filter((c) => c.change !== 'updated')
    .map(({ change, episode }) => {
      const closed = change !== 'opened';
      const payload: ExcursionChange = {
        excursionId: episode.id,
        change: closed ? 'closed' : 'opened',
        kind: episode.kind,
        deviceId,
        ...(episode.metric === undefined ? {} : { metric: episode.metric }),
        at: new Date(closed ? (episode.closedAt ?? episode.openedAt) : episode.openedAt).toISOString(),
        ...(episode.peak === undefined ? {} : { peak: episode.peak }),
        ...(closed && episode.closedAt !== undefined ? { durationMs: episode.closedAt - episode.openedAt } : {}),
      };
      return { change_id: `${episode.id}:${payload.change}`, ...workflow, signal: 'excursion', payload } satisfies JsonRecordsetRow<typeof workflowSignals>;
    });
}

/** The workflow that cares about a binding's excursions: its batch's, else its equipment unit's. */
function workflowOf(binding: Binding): Pick<PgRow<typeof workflowSignals>, 'workflow_id' | 'workflow_kind' | 'equipment_id'> | undefined {
  if (binding.batchId !== null) return { workflow_id: batchWorkflowId(binding.batchId), workflow_kind: 'batch', equipment_id: null };
  if (binding.equipmentId !== null) return { workflow_id: equipmentWorkflowId(binding.equipmentId), workflow_kind: 'equipment', equipment_id: binding.equipmentId };
  return undefined;
}
