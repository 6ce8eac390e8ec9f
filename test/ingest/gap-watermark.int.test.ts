import { describe, expect, it } from 'vitest';
import { pollUntil } from '../../src/poll-until.js';
import { sleep } from '../../src/stack/daemon.js';
import { asMessage, excursionRows, ingestTestbed, metricSample, reading, INGEST_WAIT, type Device } from './helpers.js';

const bed = ingestTestbed('gap-watermark');
const GAP_MS = 3_000;

/**
 * A freezer probe whose gap is 3 s, on the wall clock. Ingest is made to fall behind by holding the
 * lock on its partition's stored offset (every chunk takes it first: src/ingest/apply-chunk.ts), as a
 * stalled PostgreSQL would hold it up, while its gap sweeper keeps running.
 */
describe('telemetry gaps are judged only as far as ingest has heard', () => {
  it('opens no gap while a reading waits on the broker behind a stalled chunk, and opens it once the device is silent after all', async () => {
    const lane = bed.lane(1);
    const ingest = await lane.startIngest({ V2V_TIME_SCALE: '1' });
    const [probe] = (await bed.registerDevices(1)) as [Device];
    await bed.pool.query('update equipment set profile = $2 where id = $1', [probe.equipmentId, { gapMinutes: GAP_MS / 60_000 }]);

    const first = Date.now();
    await lane.produce([asMessage(reading(probe, first, -180))]);
    await pollUntil('the first reading is applied', async () => (await lane.storedOffsets())[0] === '1', INGEST_WAIT);

    const stall = await bed.pool.connect();
    try {
      await stall.query('begin');
      await stall.query('select 1 from consumer_offsets where group_id = $1 and topic = $2 for update', [lane.group, lane.topic]);
      // The probe speaks again within its gap time; the reading reaches the broker, not PostgreSQL.
      const second = first + 1_000;
      await sleep(second - Date.now());
      await lane.produce([asMessage(reading(probe, second, -180))]);
      // Twice the gap on the wall clock: a sweeper judging by it alone has opened a gap by now.
      await sleep(first + 2 * GAP_MS - Date.now());
      expect(await excursionRows(bed.pool, [probe.deviceId])).toEqual([]);
      expect(await lane.storedOffsets()).toEqual({ 0: '1' });
      expect(await metricSample(ingest.opsUrl, 'v2v_ingest_gaps_judged_behind_seconds')).toBeGreaterThan(GAP_MS / 1_000);
    } finally {
      await stall.query('rollback');
      stall.release();
    }

    await pollUntil('the second reading is applied', async () => (await lane.storedOffsets())[0] === '2', INGEST_WAIT);
    // Now silence is the probe's own: the gap opens at its gap time after the second reading.
    const [gap] = await pollUntil('the gap opens', async () => {
      const rows = await excursionRows(bed.pool, [probe.deviceId]);
      return rows.length > 0 && rows;
    }, INGEST_WAIT);
    expect(gap).toMatchObject({ kind: 'telemetry_gap', state: 'open', opened_at: new Date(first + 1_000 + GAP_MS) });
    expect(await excursionRows(bed.pool, [probe.deviceId])).toHaveLength(1);
  });
});
