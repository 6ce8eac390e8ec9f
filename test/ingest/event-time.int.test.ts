import { describe, expect, it } from 'vitest';
import type { SensorReading } from '../../src/ingest/contract.js';
import { pollUntil } from '../../src/poll-until.js';
import { stopV2vProcess } from '../setup/v2v-process.js';
import { asMessage, excursionRows, ingestTestbed, metricSample, reading, INGEST_WAIT, type Device, type ExcursionRow } from './helpers.js';

const bed = ingestTestbed('event-time');
const SECOND = 1_000;
const MINUTE = 60 * SECOND;
const SPACING = 10 * SECOND;

/**
 * 65 minutes of a freezer (limit −150 °C, back inside at −153, excursion after 10 min), one reading
 * every 10 s: an excursion that hovers in the hysteresis band before it ends, a 3-minute spell too
 * short to count, ten minutes exactly at the limit, and a second excursion that dips into the band
 * and out again.
 */
function freezerTemperature(at: number): number {
  const m = at / MINUTE;
  if (m < 5) return -180;
  if (m < 12) return m === 8 ? -135 : -140;
  if (m < 17) return -151.5;
  if (m < 25) return -170;
  if (m < 28) return -145;
  if (m < 35) return -170;
  if (m < 45) return Math.round(m * 6) % 2 === 0 ? -150 : -151;
  if (m < 56) return m === 50 ? -120 : -148;
  if (m < 58) return -152;
  if (m < 60) return -149;
  return -175;
}
const SERIES = Array.from({ length: 390 }, (_, i) => i * SPACING);
const EXPECTED = [
  { kind: 'excursion', openedAt: 5 * MINUTE, closedAt: 17 * MINUTE, peak: -135, state: 'closed' },
  { kind: 'excursion', openedAt: 45 * MINUTE, closedAt: 60 * MINUTE, peak: -120, state: 'closed' },
];

/** A seeded shuffle that delays each reading by less than `maxDelayMs` of event time. */
function shuffledWithin<T>(items: T[], timeOf: (item: T) => number, maxDelayMs: number, seed: number): T[] {
  // mulberry32: the same order on every run, so a failure can be replayed.
  let state = seed;
  const random = () => {
    state = (state + 0x6d2b79f5) | 0;
    let t = Math.imul(state ^ (state >>> 15), 1 | state);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 2 ** 32;
  };
  return items.map((item) => ({ item, key: timeOf(item) + random() * maxDelayMs })).sort((a, b) => a.key - b.key).map((x) => x.item);
}

/** A device's episodes relative to its series' start, so two devices' rows can be compared. */
const relative = (rows: ExcursionRow[], start: number) =>
  rows.map((r) => ({ kind: r.kind, openedAt: r.opened_at.getTime() - start, closedAt: r.closed_at && r.closed_at.getTime() - start, peak: r.peak_value, state: r.state }));

describe('excursions are decided on event time', () => {
  it('gives the same excursions for a series in order and shuffled within the allowed lateness; later readings are stored, not evaluated', async () => {
    const lane = bed.lane(2);
    const ingest = await lane.startIngest({ V2V_TIME_SCALE: '1' });
    const [a, b] = (await bed.registerDevices(2)) as [Device, Device];
    // An hour ago; B's series starts 7 s after A's, so their rows differ unless taken relative.
    const [startA, startB] = [Date.now() - 70 * MINUTE, Date.now() - 70 * MINUTE + 7 * SECOND];
    const inOrder = SERIES.map((at) => reading(a, startA + at, freezerTemperature(at)));
    const readingsB = SERIES.map((at) => reading(b, startB + at, freezerTemperature(at)));
    // Each of B's readings arrives at most 100 s behind the newest: inside the 2-minute lateness.
    const shuffled = shuffledWithin(readingsB, (r) => Date.parse(r.eventTime), 100 * SECOND, 20_261_122);
    expect(shuffled.map((r) => r.eventId)).not.toEqual(readingsB.map((r) => r.eventId));

    // Ten readings of each at a time, each lot stored before the next is sent: the engine's state
    // goes through PostgreSQL between every lot, as it does when readings trickle in.
    for (let i = 0; i < SERIES.length; i += 10) {
      await lane.produce([...inOrder.slice(i, i + 10), ...shuffled.slice(i, i + 10)].map(asMessage));
      const stored = Math.min(i + 10, SERIES.length) * 2;
      await pollUntil(`${stored} readings stored`, async () => (await bed.storedCount([a.deviceId, b.deviceId])) === stored, { ...INGEST_WAIT, timeoutMs: 30_000, intervalMs: 20 });
    }
    // Far behind B's newest reading: one would raise the first excursion's peak, one would end it early.
    const late: SensorReading[] = [reading(b, startB + 10 * MINUTE + 5 * SECOND, -100), reading(b, startB + 16 * MINUTE + 5 * SECOND, -190)];
    await lane.produce(late.map(asMessage));

    await pollUntil('both series stored', async () => {
      const [ofA, ofB] = await Promise.all([bed.storedCount([a.deviceId]), bed.storedCount([b.deviceId])]);
      return ofA === SERIES.length && ofB === SERIES.length + late.length;
    }, INGEST_WAIT);
    const rows = await excursionRows(bed.pool, [a.deviceId, b.deviceId]);
    const ofA = relative(rows.filter((r) => r.device_id === a.deviceId), startA);
    const ofB = relative(rows.filter((r) => r.device_id === b.deviceId), startB);
    expect(ofA).toEqual(EXPECTED);
    expect(ofB).toEqual(ofA);

    const tooLate = await pollUntil('the late readings counted', async () => (await metricSample(ingest.opsUrl, 'v2v_ingest_too_late_readings_total')) || false, INGEST_WAIT);
    expect(tooLate).toBe(late.length);
    await stopV2vProcess(ingest.child);
  });
});
