import { describe, expect, it } from 'vitest';
import { earliestSafeInfusion } from '../../src/domain/safe-infusion.js';
import { pollUntil } from '../../src/poll-until.js';
import { bookingUpdate, handoffUpdate, statusQuery, type BatchStatus } from '../../workflows/messages.js';
import { batchInput, drive, scan, startBatch, type BatchHandle } from './journey-driver.js';
import { useBatchWorkflowEnv } from './workflow-env.js';

const HOUR = 3_600_000;
const DAY = 24 * HOUR;
const ctx = useBatchWorkflowEnv();

/** The forecast activity runs after the landmark's events are applied: wait until the status carries it. */
function forecastOf(handle: BatchHandle, landmark: (s: BatchStatus) => boolean) {
  return pollUntil('a forecast at the landmark', async () => {
    const status = await handle.query(statusQuery);
    return status.forecast && landmark(status) && { status, forecast: status.forecast };
  }, { timeoutMs: 10_000, intervalMs: 20 });
}

describe('forecasts in the batch workflow', () => {
  it('shows the latest landmark’s release and infusion-ready bands, and flags a booking whose LD starts before P90', async () => {
    const { env, fake } = ctx;
    const input = batchInput('autologous-cd19-fresh', 701);
    const handle = await startBatch(env, input);

    await drive(env, handle, input, (s) => s.stage === 'QC_TESTING');
    const inQc = await forecastOf(handle, (s) => s.forecast?.stage === 'QC_TESTING');
    const qcEntry = inQc.status.timeline.filter((t) => t.event === 'stage').at(-1)!;
    const { release, infusionReady } = inQc.forecast;
    expect(inQc.forecast).toMatchObject({ stage: 'QC_TESTING', at: qcEntry.at, method: 'profile-nominal', modelIds: [], atRisk: false });
    expect(Date.parse(release.p10)).toBeGreaterThanOrEqual(Date.parse(qcEntry.at));
    expect(Date.parse(release.p50)).toBeLessThan(Date.parse(infusionReady!.p50));
    expect([inQc.forecast.readyP10, inQc.forecast.readyP50, inQc.forecast.readyP90]).toEqual([release.p10, release.p50, release.p90]);

    // Released: release is what happened; infusion-ready still ahead.
    await drive(env, handle, input, (s) => s.stage === 'RELEASED');
    const atRelease = await forecastOf(handle, (s) => s.forecast?.stage === 'RELEASED');
    expect(atRelease.forecast.release).toMatchObject({ method: 'observed', p50: atRelease.forecast.at });

    // LD starting an hour from now: the product's P90 at the site is later, so the booking is at risk.
    const now = await env.currentTimeMs();
    const { ld } = input.profile;
    const early = new Date(now + HOUR + (ld.courseDays + ld.restDaysMin) * DAY).toISOString();
    await handle.executeUpdate(bookingUpdate, { args: [{ infusionDate: early }] });
    const p90 = Date.parse(atRelease.forecast.infusionReady!.p90);
    const safeFrom = new Date(earliestSafeInfusion(p90, input.profile, DAY)).toISOString();
    expect((await handle.query(statusQuery)).forecast).toMatchObject({ atRisk: true, safeFrom });

    // The next landmark (return pickup) flags it for the scheduler, once.
    await handle.executeUpdate(handoffUpdate, { args: [scan(input, 'return-pickup')] });
    await forecastOf(handle, (s) => s.forecast?.stage === 'RETURN_TRANSIT');
    const raised = [...fake.alerts.values()].filter((a) => a.batchId === input.batchId && a.kind === 'booking-at-risk');
    expect(raised).toHaveLength(1);

    // Moved to the proposed day: safe again.
    await handle.executeUpdate(bookingUpdate, { args: [{ infusionDate: safeFrom }] });
    const moved = (await handle.query(statusQuery)).forecast!;
    expect(moved.atRisk).toBe(false);
    expect(moved.safeFrom).toBeUndefined();
  });
});
