-- Where a chunk's insert spends its time: ingest's insert statement (src/ingest/stored-readings.ts,
-- its arrays replaced by a temporary table) for 5,000 new readings of the current month, under
-- EXPLAIN (ANALYZE, BUFFERS, WAL), then rolled back. Run as the tables' owner, a few times:
--   psql "$DATABASE_OWNER_URL" -f bench/ingest/explain-insert.sql
-- "fpi" on the WAL lines counts full-page images: pages written whole for the first time since a checkpoint.
begin;
create temp table chunk as
  select gen_random_uuid() as event_id, now() - interval '1 hour' + (g * interval '10 ms') as event_time,
         'bench-dev-' || (g % 500) as device_id, 'gw' as gateway_id, 'ph' as metric, 7.0::float8 as value,
         null::text as text_value, 'pH' as unit, null::int8 as seq, null::uuid as binding_id
    from generate_series(1, 5000) g;
explain (analyze, buffers, wal, timing)
with ids as (
  insert into reading_event_ids (event_id, event_time) select event_id, event_time from chunk
  on conflict do nothing
  returning event_id
)
insert into sensor_readings (event_id, event_time, device_id, gateway_id, metric, value, text_value, unit, seq, binding_id)
select * from chunk r where r.event_id in (select event_id from ids)
on conflict do nothing
returning event_id;
rollback;
