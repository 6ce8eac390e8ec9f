import { pino } from 'pino';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { issueLocalToken } from '../../src/api/auth/local-keys.js';
import { startApiServer, type ApiServer } from '../../src/api/server.js';
import { createDatabase } from '../../src/db/client.js';
import { batches, forecasts, sites } from '../../src/db/schema/index.js';
import { DAY_MS, HOUR_MS } from '../../src/domain/durations.js';
import { stackPaths } from '../../src/stack/paths.js';
import { stackConfig, unique } from '../setup/services.js';
import { launchChromium, screenshot, seriousAccessibilityProblems } from './browser.js';

/**
 * A batch on the demo's compressed clock (a simulated day lasts four seconds) beside one on the real
 * clock, as the dashboard shows them: the compressed one in its own simulated dates and days of the
 * journey, with the page saying so; the real one as it always was. The batches, their latest
 * forecasts and sites are rows of this file's own, so no worker is needed and every date is known.
 */
const config = stackConfig();
const SCALE = 21_600;
const ids = { apheresis: unique('clock-apheresis'), treatment: unique('clock-treatment'), facility: unique('clock-facility') };
const database = createDatabase(config.DATABASE_URL!, { max: 2 });
let server: ApiServer | undefined;
let browser: Browser | undefined;
let token = '';

// Enrolled 10 s ago on the compressed clock: 2.5 simulated days into its journey.
const enrolledAt = Date.now() - 10_000;
/** Release P10 one wall-clock minute after enrolment, P90 two: 15 and 30 simulated days. */
const compressedBand = { p10: enrolledAt + 60_000, p50: enrolledAt + 90_000, p90: enrolledAt + 120_000 };
const realBand = { p10: Date.now() + 3 * DAY_MS, p50: Date.now() + 5 * DAY_MS, p90: Date.now() + 8 * DAY_MS };
/** How the page writes a date's month and day (en-US, UTC: the tab is opened so). */
const monthDay = (ms: number) => new Intl.DateTimeFormat('en-US', { timeZone: 'UTC', month: 'short', day: 'numeric' }).format(new Date(ms));
const simulated = (ms: number) => enrolledAt + (ms - enrolledAt) * SCALE;
const rows = { compressed: { batchId: '', coiId: unique('COI-FAST') }, real: { batchId: '', coiId: unique('COI-REAL') } };

async function batchWithForecast(coiId: string, timeScale: number, createdAt: number, band: typeof realBand): Promise<string> {
  const [batch] = await database.db
    .insert(batches)
    .values({ coiId, patientRef: unique('ref'), productId: 'autologous-cd19-fresh', apheresisCenterId: ids.apheresis, treatmentCenterId: ids.treatment, facilityId: ids.facility, timeScale, createdAt: new Date(createdAt) })
    .returning();
  const made = createdAt + 2_000;
  const iso = (ms: number) => new Date(ms).toISOString();
  const releaseBand = { method: 'model', modelId: 'release_days:network:v1', p10: iso(band.p10), p50: iso(band.p50), p90: iso(band.p90) };
  const forecast = { method: 'model', modelIds: ['release_days:network:v1'], stage: 'MANUFACTURING', at: iso(made), release: releaseBand, readyP10: releaseBand.p10, readyP50: releaseBand.p50, readyP90: releaseBand.p90, atRisk: false };
  const hours = (ms: number) => (ms - made) / HOUR_MS;
  await database.db.insert(forecasts).values({
    batchId: batch!.id, target: 'release_days', modelId: 'release_days:network:v1', unit: 'hours',
    p10: hours(band.p10), p50: hours(band.p50), p90: hours(band.p90), details: { method: 'model', timeScale, forecast }, createdAt: new Date(made),
  });
  return batch!.id;
}

beforeAll(async () => {
  await database.db.insert(sites).values([
    { id: ids.apheresis, kind: 'apheresis_center', name: 'Clock apheresis unit' },
    { id: ids.facility, kind: 'manufacturing_facility', name: 'Clock facility', manufacturingLines: 1 },
    { id: ids.treatment, kind: 'treatment_center', name: 'Clock cell therapy unit', infusionChairs: 2 },
  ]);
  rows.compressed.batchId = await batchWithForecast(rows.compressed.coiId, SCALE, enrolledAt, compressedBand);
  rows.real.batchId = await batchWithForecast(rows.real.coiId, 1, Date.now() - DAY_MS, realBand);
  token = await issueLocalToken(stackPaths(config).root, { subject: unique('coordinator'), kind: 'user', name: 'C. Lock', role: 'coordinator', sites: [ids.apheresis, ids.treatment] });
  server = await startApiServer({ config, logger: pino({ level: 'silent' }), port: 0 });
  browser = await launchChromium();
});

afterAll(async () => {
  await browser?.close();
  await server?.close();
  await database.pool.end();
});

async function open(hash: string): Promise<Page> {
  const page = await browser!.newPage({ viewport: { width: 1280, height: 900 }, locale: 'en-US', timezoneId: 'UTC' });
  await page.goto(`${server!.url}/#token=${token}`);
  await page.getByRole('button', { name: 'Sign out' }).waitFor();
  if (hash) await page.goto(`${server!.url}/#${hash}`);
  await page.waitForFunction(() => !document.body.innerText.includes('Loading'));
  return page;
}

describe('a batch on a compressed clock, in the dashboard', () => {
  it('the board shows its band in simulated dates and days of the journey, says the clock is compressed, and leaves a real batch as it is', { timeout: 60_000 }, async () => {
    const page = await open('');
    const card = page.getByRole('article', { name: `Batch ${rows.compressed.coiId}` });
    const band = await card.locator('dt:text-is("Release P10–P90") + dd').innerText();
    expect(band).toMatch(new RegExp(`^${monthDay(simulated(compressedBand.p10))}, .* \\(day 15\\) – ${monthDay(simulated(compressedBand.p90))}, .* \\(day 30\\)$`));
    expect(await page.getByText(/compressed clock ×21,600: each batch's dates are simulated/).count()).toBe(1);

    const real = await page.getByRole('article', { name: `Batch ${rows.real.coiId}` }).locator('dt:text-is("Release P10–P90") + dd').innerText();
    expect(real).toContain(monthDay(realBand.p10));
    expect(real).not.toContain('(day');
    await screenshot(page, 'compressed-clock-board');
    await page.close();
  });

  it('its page says "compressed clock ×21,600: dates are simulated" and shows the forecast history in its time', { timeout: 60_000 }, async () => {
    const page = await open(`/batch/${rows.compressed.batchId}`);
    await page.getByRole('heading', { level: 1, name: new RegExp(rows.compressed.coiId) }).waitFor();
    expect(await page.getByText('compressed clock ×21,600: dates are simulated', { exact: false }).count()).toBe(1);
    // Made 2 s after enrolment: half a simulated day in.
    const made = await page.locator('section[aria-labelledby="forecasts"] tbody td').first().innerText();
    expect(made).toMatch(new RegExp(`^${monthDay(simulated(enrolledAt + 2_000))}, .* \\(day 0\\)$`));
    // The stored quantiles are wall-clock hours (58 s to release at P10); the table shows them as the batch lives them.
    const history = await page.locator('section[aria-labelledby="forecasts"] table').innerText();
    expect(history).toMatch(/14\.5 days\s+22\.0 days\s+29\.5 days\s+15\.0 days/);
    await screenshot(page, 'compressed-clock-batch');
    expect(await seriousAccessibilityProblems(page)).toEqual([]);
    await page.close();
  });

  it('the calendar, for that batch, lists its simulated days and says so; for the real batch, calendar days', { timeout: 60_000 }, async () => {
    const page = await open(`/calendar/${ids.treatment}?batch=${rows.compressed.batchId}`);
    await page.getByRole('region', { name: 'Chairs by simulated day' }).waitFor();
    expect(await page.getByText('compressed clock ×21,600: dates are simulated', { exact: false }).count()).toBe(1);
    const days = await page.getByRole('region', { name: 'Chairs by simulated day' }).locator('tbody th').allInnerTexts();
    expect(days.length).toBeGreaterThan(1);
    expect(days[1]).toMatch(/\(day \d+\)$/);
    // Still ordered: no day is offered before release.
    expect(await page.getByRole('button', { name: /^Book/ }).count()).toBe(0);
    expect(await page.getByText('not bookable before release').count()).toBe(days.length);
    await screenshot(page, 'compressed-clock-calendar');
    expect(await seriousAccessibilityProblems(page)).toEqual([]);

    const real = await open(`/calendar/${ids.treatment}?batch=${rows.real.batchId}`);
    await real.getByRole('region', { name: 'Chairs by day' }).waitFor();
    expect(await real.getByText('dates are simulated', { exact: false }).count()).toBe(0);
    await real.close();
    await page.close();
  });
});
