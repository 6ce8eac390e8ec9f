import type pg from 'pg';
import { BATCH_EVENTS_TOPIC } from '../../outbox/batch-events.js';
import type { LiveEvent } from '../schemas/live-events.js';
import type { LiveEventType } from './event-types.js';
import { advance, LIVE_SOURCES, reached, type Cursor, type LiveSource } from './cursor.js';
import { siteIdsOf, type BatchSites } from './site-scope.js';
import type { LateIds } from './skipped-ids.js';

/** A change with the cursor that includes it (the SSE `id:` a client resumes after) and whose it is. */
export interface PositionedEvent {
  cursor: Cursor;
  /** The row's table and id (not sent). */
  source: LiveSource;
  id: number;
  event: LiveEvent;
  /** Not sent: what decides who sees the event (a scheduler sees a batch only through its treatment centre). */
  batch: BatchSites | null;
  equipmentSiteId: string | null;
}

interface ChangeRow {
  source: LiveSource;
  /** Asked for by id (skipped earlier), not read after the cursor. */
  late: boolean;
  id: string;
  batch_id: string | null;
  equipment_id: string | null;
  at: Date;
  detail: Record<string, unknown> & { change?: string };
  apheresis_center_id: string | null;
  facility_id: string | null;
  treatment_center_id: string | null;
  equipment_site_id: string | null;
}

/** One source's table: its id, the columns every branch selects (named alike), and any filter on its rows. */
interface SourceQuery {
  id: string;
  columns: string;
  from: string;
  filter?: string;
}

const SOURCE_QUERIES: Record<LiveSource, SourceQuery> = {
  stage: {
    id: 'o.id',
    columns: `o.id, (o.payload->>'batchId')::uuid as batch_id, null::text as equipment_id, o.created_at as at,
              jsonb_build_object('stage', o.payload->'stage', 'previous', o.payload->'previous') as detail`,
    from: 'outbox o',
    filter: `o.topic = '${BATCH_EVENTS_TOPIC}'`,
  },
  alert: {
    id: 'a.id',
    columns: `a.id, a.batch_id, a.equipment_id, a.created_at as at,
              jsonb_build_object('alertId', a.id, 'severity', a.severity, 'kind', a.kind, 'message', a.message) as detail`,
    from: 'alerts a',
  },
  custody: {
    id: 'c.id',
    columns: `c.id, c.batch_id, null::text as equipment_id, c.recorded_at as at, jsonb_build_object('seq', c.seq, 'kind', c.kind, 'step', c.step) as detail`,
    from: 'custody_events c',
  },
  forecast: {
    id: 'f.id',
    columns: `f.id, f.batch_id, f.equipment_id, f.created_at as at,
              jsonb_build_object('target', f.target, 'unit', f.unit, 'p10', f.p10, 'p50', f.p50, 'p90', f.p90, 'modelId', f.model_id) as detail`,
    from: 'forecasts f',
  },
  excursion: {
    id: 'w.id',
    columns: `w.id, e.batch_id, e.equipment_id, w.created_at as at,
              jsonb_build_object('excursionId', w.payload->>'excursionId', 'change', w.payload->>'change', 'kind', w.payload->>'kind',
                                 'metric', w.payload->>'metric', 'deviceId', w.payload->>'deviceId', 'peak', w.payload->'peak') as detail`,
    // Compared as a uuid so the join uses excursions' primary key; a malformed id joins nothing.
    from: `workflow_signals w
           left join excursions e on e.id = case when w.payload->>'excursionId' ~* '^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$'
                                                 then (w.payload->>'excursionId')::uuid end`,
    filter: `w.signal = 'excursion'`,
  },
};

/**
 * A source's two branches: the rows after its cursor ($n, a primary-key range scan, at most $6 of
 * them) and the late rows asked for by id ($n+6, skipped-ids.ts; a primary-key lookup each). Kept
 * apart so neither spoils the other's plan.
 */
function branchesOf(source: LiveSource, n: number): string {
  const { id, columns, from, filter } = SOURCE_QUERIES[source];
  const and = filter ? ` and ${filter}` : '';
  return `(select '${source}' as source, false as late, ${columns} from ${from} where ${id} > $${n}${and} order by ${id} limit $6)
  union all
  (select '${source}', true, ${columns} from ${from} where ${id} = any($${n + 6}::bigint[])${and})`;
}

/**
 * Every change after the cursor, and the late rows asked for, from the tables that already record them
 * with an increasing id: the outbox (stage changes), alerts, custody records, forecasts, and the queued
 * excursion signals (one row per excursion opened or closed). One round trip. Awaiting changes have no
 * row of their own: a human step shows as its custody record, and so does a booking made, moved or
 * cancelled (sent as booking.changed).
 */
const CHANGES_SQL = `
with changes as (
  ${LIVE_SOURCES.map((source, i) => branchesOf(source, i + 1)).join('\n  union all\n  ')}
)
select c.*, b.apheresis_center_id, b.facility_id, b.treatment_center_id, q.site_id as equipment_site_id
  from changes c
  left join batches b on b.id = c.batch_id
  left join equipment q on q.id = c.equipment_id`;

/** How many rows of each source one read takes; a caller behind by more reads again. */
export const CHANGES_PER_SOURCE = 500;

const NO_LATE_IDS = Object.fromEntries(LIVE_SOURCES.map((s) => [s, [] as number[]])) as LateIds;

/**
 * The changes after `cursor` (and, for a replay, up to `until`), plus the `late` rows by id, source
 * by source in id order, each with the cursor that includes it (a late row's is the cursor as it
 * stands); `more` when a source had more rows than one read takes.
 */
export async function readChanges(
  pool: pg.Pool,
  cursor: Cursor,
  until?: Cursor,
  late: LateIds = NO_LATE_IDS,
): Promise<{ events: PositionedEvent[]; cursor: Cursor; more: boolean }> {
  const { rows } = await pool.query<ChangeRow>(CHANGES_SQL, [...LIVE_SOURCES.map((s) => cursor[s]), CHANGES_PER_SOURCE, ...LIVE_SOURCES.map((s) => late[s])]);
  const counts = new Map<LiveSource, number>();
  for (const row of rows) if (!row.late) counts.set(row.source, (counts.get(row.source) ?? 0) + 1);
  const more = [...counts.values()].some((n) => n >= CHANGES_PER_SOURCE);
  const wanted = until ? rows.filter((row) => Number(row.id) <= until[row.source]) : rows;
  wanted.sort((a, b) => LIVE_SOURCES.indexOf(a.source) - LIVE_SOURCES.indexOf(b.source) || Number(a.id) - Number(b.id));
  let at = cursor;
  const events = wanted.map((row) => {
    at = advance(at, row.source, Number(row.id));
    const batch = row.apheresis_center_id === null || row.treatment_center_id === null
      ? null
      : { apheresisCenterId: row.apheresis_center_id, facilityId: row.facility_id, treatmentCenterId: row.treatment_center_id };
    return { cursor: at, source: row.source, id: Number(row.id), event: toEvent(row), batch, equipmentSiteId: row.equipment_site_id };
  });
  return { events, cursor: at, more: more && (until === undefined || !reached(at, until)) };
}

/** Where the sources stand now: a stream that starts live starts here. */
export async function currentCursor(pool: pg.Pool): Promise<Cursor> {
  const { rows } = await pool.query<Record<LiveSource, string>>(
    `select (select coalesce(max(id), 0) from outbox) as stage, (select coalesce(max(id), 0) from alerts) as alert,
            (select coalesce(max(id), 0) from custody_events) as custody, (select coalesce(max(id), 0) from forecasts) as forecast,
            (select coalesce(max(id), 0) from workflow_signals) as excursion`,
  );
  const row = rows[0]!;
  return Object.fromEntries(LIVE_SOURCES.map((s) => [s, Number(row[s])])) as Cursor;
}

const TYPE_OF: Record<Exclude<LiveSource, 'excursion'>, LiveEventType> = {
  stage: 'batch.stage-changed',
  alert: 'alert.raised',
  custody: 'custody.recorded',
  forecast: 'forecast.updated',
};

/** Custody records a booking change writes (src/domain/batch/custody.ts): the scheduler's calendar listens for these. */
const BOOKING_RECORDS = new Set(['infusion-booking', 'infusion-booking-cancelled']);

function typeOf(row: ChangeRow): LiveEventType {
  if (row.source === 'excursion') return row.detail.change === 'closed' ? 'excursion.closed' : 'excursion.opened';
  if (row.source === 'custody' && BOOKING_RECORDS.has(String(row.detail['kind']))) return 'booking.changed';
  return TYPE_OF[row.source];
}

function toEvent(row: ChangeRow): LiveEvent {
  // An excursion's change is its type already.
  const detail = { ...row.detail };
  delete detail.change;
  const type = typeOf(row);
  return {
    type,
    batchId: row.batch_id,
    equipmentId: row.equipment_id,
    siteIds: siteIdsOf(row.apheresis_center_id, row.facility_id, row.treatment_center_id, row.equipment_site_id),
    at: row.at.toISOString(),
    detail,
  };
}
