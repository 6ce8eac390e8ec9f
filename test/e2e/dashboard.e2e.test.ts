import type { ChildProcess } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { pino } from 'pino';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { issueLocalToken } from '../../src/api/auth/local-keys.js';
import { addUser } from '../../src/api/auth/users.js';
import type { Principal } from '../../src/api/auth/principal.js';
import { createApiClient } from '../../src/api/client/index.js';
import { startApiServer, type ApiServer } from '../../src/api/server.js';
import { createDatabase } from '../../src/db/client.js';
import { alerts, deviceBindings, devices, equipment, excursions, gateways, sensorReadings, sites } from '../../src/db/schema/index.js';
import { answerUntilDone, type BatchPartners } from '../../src/live/partners.js';
import { stackPaths } from '../../src/stack/paths.js';
import { stackConfig, unique } from '../setup/services.js';
import { startWorkerProcess, stopWorkerProcess } from '../setup/v2v-process.js';
import { launchChromium, screenshot, seriousAccessibilityProblems } from './browser.js';

/**
 * The dashboard in a real browser against the real stack: `v2v worker` as a process, the API
 * in-process on a free port serving the built web/dist (`npm run web:build`). This file's sites are its own,
 * so the board shows exactly the batches enrolled here.
 */
const config = stackConfig();
// Its own facility too: the shared reference facility's lines are held ahead by other files' slot chains.
const ids = { apheresis: unique('e2e-apheresis'), treatment: unique('e2e-treatment'), facility: unique('e2e-facility') };
const SIGNING_PASSWORD = 'correct horse battery';
const PRODUCT = 'autologous-cd19-fresh';
const person = (role: Principal['role'], name: string): Principal => ({ subject: unique(role), kind: 'user', name, role, sites: [ids.apheresis, ids.treatment] });

let worker: ChildProcess | undefined;
let server: ApiServer | undefined;
let origin: { url: string } | undefined;
let browser: Browser | undefined;
const database = createDatabase(config.DATABASE_URL!, { max: 2 });
const tokens = {} as Record<'coordinator' | 'scheduler' | 'qa', string>;
const enrolled: { batchId: string; coiId: string }[] = [];
let partners: BatchPartners;

beforeAll(async () => {
  await database.db.insert(sites).values([
    { id: ids.apheresis, kind: 'apheresis_center', name: 'E2E apheresis unit' },
    { id: ids.treatment, kind: 'treatment_center', name: 'E2E cell therapy unit', infusionChairs: 2 },
    { id: ids.facility, kind: 'manufacturing_facility', name: 'E2E cell therapy facility', manufacturingLines: 4 },
  ]);
  const root = stackPaths(config).root;
  tokens.coordinator = await issueLocalToken(root, person('coordinator', 'C. Ordinator'));
  tokens.scheduler = await issueLocalToken(root, person('scheduler', 'S. Cheduler'));
  // QA signs: a real user with a signing password, as `v2v users add` makes one.
  tokens.qa = (await addUser(database.db, root, { name: 'Q. Assurance', role: 'qa', sites: [ids.apheresis, ids.treatment, ids.facility], signingPassword: SIGNING_PASSWORD })).token;
  worker = await startWorkerProcess(86_400);
  server = await startApiServer({ config, logger: pino({ level: 'silent' }), port: 0 });
  // `v2v api` serves the built dashboard at / (src/api/plugins/dashboard.ts): the browser opens it there.
  const index = await fetch(`${server.url}/`);
  if (!(index.headers.get('content-type') ?? '').startsWith('text/html') || !(await index.text()).includes('id="root"')) {
    throw new Error('the API does not serve the dashboard at /: run `npm run web:build` first');
  }
  origin = { url: server.url };

  await freezerWithReadings();
  partners = await partnersAt(root, server.url);
  for (const patientRef of ['e2e-ref-1', 'e2e-ref-2']) enrolled.push(await enrol(patientRef));
  browser = await launchChromium();
  watchForCspViolations(browser);
});

/**
 * A freezer at this file's treatment centre with three hundred readings: a stretch above its limit
 * (an excursion) and a silence longer than its gap threshold, so the chart has something to shade.
 */
const freezer = unique('e2e-freezer');
async function freezerWithReadings() {
  const gateway = unique('e2e-gateway');
  const device = unique('e2e-probe');
  // The freezer's gap threshold is 15 minutes on the stack's clock; a reading every third of it.
  const step = Math.max(3, Math.floor((15 * 60_000) / config.V2V_TIME_SCALE / 3));
  const start = Date.now() - 400 * step;
  const at = (i: number) => new Date(start + i * step);
  await database.db.insert(gateways).values({ id: gateway, name: 'E2E gateway' });
  await database.db.insert(devices).values({ id: device, gatewayId: gateway, kind: 'probe' });
  await database.db.insert(equipment).values({ id: freezer, siteId: ids.treatment, kind: 'freezer' });
  const [binding] = await database.db.insert(deviceBindings).values({ deviceId: device, equipmentId: freezer, during: `[${at(0).toISOString()},)` }).returning();
  const rows = Array.from({ length: 300 }, (_, i) => i)
    .filter((i) => i <= 200 || i >= 215)
    .map((i) => ({ eventId: randomUUID(), eventTime: at(i), deviceId: device, gatewayId: gateway, metric: 'temperature_c', value: i >= 90 && i < 110 ? -135 : -185 + (i % 4), unit: 'C', bindingId: binding!.id }));
  await database.db.insert(sensorReadings).values(rows);
  await database.db.insert(excursions).values({ kind: 'excursion', deviceId: device, equipmentId: freezer, metric: 'temperature_c', state: 'closed', openedAt: at(90), closedAt: at(110), peakValue: -135 });
}

/** The partner systems and people who move a batch along, each with its own identity, for the journeys below. */
async function partnersAt(root: string, apiUrl: string): Promise<BatchPartners> {
  const client = (token: string) => createApiClient({ baseUrl: apiUrl, token });
  const allSites = [ids.apheresis, ids.treatment, ids.facility];
  const machine = async (role: 'courier' | 'manufacturing' | 'qc-lab') =>
    client(await issueLocalToken(root, { subject: unique(role), kind: 'machine', name: `E2E ${role}`, role, sites: allSites }));
  const [courier, manufacturing, qcLab] = await Promise.all([machine('courier'), machine('manufacturing'), machine('qc-lab')]);
  const coordinator = client(tokens.coordinator);
  return {
    reader: coordinator,
    handoff: (step) => (step.endsWith('pickup') ? courier : step === 'facility-receipt' ? manufacturing : coordinator),
    milestone: (m) => (m === 'qc-complete' ? qcLab : ['apheresis-scheduled', 'recollection-scheduled', 'physician-acceptance'].includes(m) ? coordinator : manufacturing),
    qa: { api: client(tokens.qa), signingPassword: SIGNING_PASSWORD },
    scheduler: client(tokens.scheduler),
  };
}

async function enrol(patientRef: string) {
  const { data, error } = await partners.reader.POST('/v1/batches', {
    body: { productId: PRODUCT, apheresisCenterId: ids.apheresis, treatmentCenterId: ids.treatment, facilityId: ids.facility, patientRef },
  });
  if (!data) throw new Error(`enrolment refused: ${JSON.stringify(error)}`);
  return data;
}

/** What the browser refused under the API's Content-Security-Policy, on any page any test opened. */
const cspViolations: string[] = [];
function watchForCspViolations(b: Browser) {
  const newPage = b.newPage.bind(b);
  b.newPage = async (...args: Parameters<Browser['newPage']>) => {
    const page = await newPage(...args);
    page.on('console', (message) => {
      if (/Content Security Policy/i.test(message.text())) cspViolations.push(`${page.url()}: ${message.text()}`);
    });
    return page;
  };
}

afterAll(async () => {
  await browser?.close();
  await server?.close();
  if (worker) await stopWorkerProcess(worker);
  await database.pool.end();
});

/** A fresh tab signed in through the link the demo prints (`/#token=…`). */
async function signedIn(role: keyof typeof tokens, viewport = { width: 1280, height: 800 }): Promise<Page> {
  const page = await browser!.newPage({ viewport });
  await page.goto(`${origin!.url}/#token=${tokens[role]}`);
  await page.getByRole('button', { name: 'Sign out' }).waitFor();
  return page;
}

async function expectAccessible(page: Page, name: string) {
  await screenshot(page, name);
  expect(await seriousAccessibilityProblems(page), `axe on ${name}`).toEqual([]);
}

describe('the dashboard in a browser', () => {
  it('signs in with a pasted token; one the API refuses signs out again with the reason', async () => {
    const page = await browser!.newPage({ viewport: { width: 1280, height: 800 } });
    await page.goto(origin!.url);
    await page.getByRole('heading', { name: 'Sign in to V2V' }).waitFor();
    await expectAccessible(page, 'sign-in');

    // Same claims, signed by a key the API does not trust.
    const forged = await issueLocalToken(await mkdtemp(path.join(tmpdir(), 'v2v-e2e-keys-')), person('coordinator', 'F. Orged'));
    await page.getByText('Use a bearer token instead').click();
    await page.getByLabel('Bearer token').fill(forged);
    await page.getByRole('button', { name: 'Use this token' }).click();
    await page.getByRole('status').filter({ hasText: /^Signed out: .*signature/ }).waitFor();

    await page.getByText('Use a bearer token instead').click();
    await page.getByLabel('Bearer token').fill(tokens.coordinator);
    await page.getByRole('button', { name: 'Use this token' }).click();
    await page.getByRole('link', { name: enrolled[0]!.coiId }).waitFor();
    await page.getByRole('button', { name: 'Sign out' }).click();
    await page.getByRole('heading', { name: 'Sign in to V2V' }).waitFor();
    await page.close();
  });


  it('signs in from the link, forgets the token in the address bar and shows who is signed in', async () => {
    const page = await signedIn('coordinator');
    expect(page.url()).not.toContain('token=');
    expect(await page.getByText(`C. Ordinator · coordinator · ${ids.apheresis}, ${ids.treatment}`).count()).toBe(1);
    await page.close();
  });

  it("shows the coordinator's batches on the board, in the column of their stage", async () => {
    const page = await signedIn('coordinator');
    for (const { coiId } of enrolled) await page.getByRole('link', { name: coiId }).waitFor();
    const { data } = await createApiClient({ baseUrl: server!.url, token: tokens.coordinator }).GET('/v1/batches', {});
    expect(data?.batches.map((b) => b.coiId).sort()).toEqual(enrolled.map((b) => b.coiId).sort());
    for (const batch of data!.batches) {
      const column = page.locator(`section[aria-labelledby="col-${batch.stage}"]`);
      expect(await column.getByRole('link', { name: batch.coiId }).count(), `${batch.coiId} under ${batch.stage}`).toBe(1);
    }
    expect(await page.locator('.column article').count()).toBe(enrolled.length);
    await expectAccessible(page, 'board-1280x800');
    await page.setViewportSize({ width: 768, height: 1024 });
    await screenshot(page, 'board-768x1024');
    await page.close();
  });

  it('opens a batch from the board', async () => {
    const page = await signedIn('coordinator');
    await page.getByRole('link', { name: enrolled[0]!.coiId }).click();
    await page.getByRole('heading', { level: 1, name: new RegExp(enrolled[0]!.coiId) }).waitFor();
    await expectAccessible(page, 'batch-detail');
    await page.close();
  });

  it.each([
    ['coordinator', 'alerts', 'Alerts'],
    ['coordinator', 'equipment', 'Equipment health'],
    ['scheduler', 'calendar', 'Infusion calendar'],
    ['qa', 'qa', 'QA queue'],
  ] as const)('as %s, the %s page passes axe', async (role, page, heading) => {
    const tab = await signedIn(role);
    await tab.goto(`${origin!.url}/#/${page}`);
    await tab.getByRole('heading', { level: 1, name: heading }).waitFor();
    // Not "network idle": the live event stream stays open. Every panel says "Loading…" until it has its answer.
    await tab.waitForFunction(() => !document.body.innerText.includes('Loading'));
    await expectAccessible(tab, `${page}-as-${role}`);
    await tab.close();
  });
});

describe('working in the dashboard', () => {
  it("charts a unit's telemetry with its limit, its excursion and its gap", async () => {
    const page = await signedIn('coordinator');
    await page.goto(`${origin!.url}/#/equipment/${freezer}`);
    const caption = page.locator('figure figcaption');
    await caption.waitFor();
    expect(await caption.textContent()).toMatch(/temperature_c \(C\): \d+ points.* Limits ≤ -150 \(dashed\)\. 1 excursion \(red\), 1 gap \(grey\)\./);
    expect(await page.locator('figure canvas').count()).toBe(1);
    await expectAccessible(page, 'equipment-telemetry');
    await page.close();
  });

  it("charts how a batch's forecast band moved from landmark to landmark, and says so in words", async () => {
    const { batchId, coiId } = await enrol('e2e-ref-forecasts');
    try {
      await answerUntilDone(partners, batchId, coiId, { stopAt: (d) => d.awaiting?.kind === 'qa-disposition' });
      const page = await signedIn('coordinator');
      await page.goto(`${origin!.url}/#/batch/${batchId}`);
      const history = page.locator('section[aria-labelledby="forecasts"]');
      const caption = history.locator('figure figcaption');
      await caption.waitFor();
      expect(await caption.textContent()).toMatch(/^release \(blue; .*\): P50 moved from .+ to .+ over \d+ forecasts; band [\d.]+ (h|days) → [\d.]+ (h|days) wide\. infusion-ready \(brown; .*\): P50 moved/);
      expect(await history.locator('figure canvas').count()).toBe(1);
      await expectAccessible(page, 'batch-forecast-history');
      await page.close();
    } finally {
      // The batch is on the real clock: cancelled, it gives its manufacturing line back instead of holding it for weeks.
      const cancelled = await partners.reader.POST('/v1/batches/{id}/cancel', { params: { path: { id: batchId } }, body: { reason: 'e2e test done' } });
      expect(cancelled.response.status, JSON.stringify(cancelled.error)).toBeLessThan(300);
    }
  });

  it('moves a card to its new column when the batch moves, without a reload', async () => {
    const page = await signedIn('coordinator');
    const { batchId, coiId } = enrolled[1]!;
    await page.locator('section[aria-labelledby="col-ORDERED"]').getByRole('link', { name: coiId }).waitFor();
    await answerUntilDone(partners, batchId, coiId, { stopAt: (d) => d.stage !== 'ORDERED' });
    const { data } = await partners.reader.GET('/v1/batches/{id}', { params: { path: { id: batchId } } });
    await page.locator(`section[aria-labelledby="col-${data!.stage}"]`).getByRole('link', { name: coiId }).waitFor();
    await page.close();
  });

  it("shows a new alert's badge on the batch's card and on the alerts page as it is raised", async () => {
    const page = await browser!.newPage({ viewport: { width: 1280, height: 800 } });
    // The board has read the alerts once before the new one exists, so only the live event can show it.
    const alertsRead = page.waitForResponse((r) => r.url().includes('/v1/alerts'));
    await page.goto(`${origin!.url}/#token=${tokens.coordinator}`);
    await alertsRead;
    await page.getByText('live', { exact: true }).waitFor();
    const { batchId, coiId } = enrolled[0]!;
    const card = page.getByRole('article', { name: `Batch ${coiId}` });
    await card.waitFor();
    expect(await card.getByText(/alerts?$/).count()).toBe(0);
    // As the worker's activities raise one: a row in the alerts table, which the event stream polls.
    await database.db.insert(alerts).values({ key: unique('e2e-alert'), batchId, severity: 'warning', kind: 'e2e-check', message: 'An alert raised while the board is open' });
    await card.getByText('1 alert').waitFor();
    await page.getByRole('link', { name: 'Alerts' }).click();
    await page.getByRole('cell', { name: 'An alert raised while the board is open' }).waitFor();
    await page.close();
  });

  it('signs a QA disposition: a wrong signing password is refused with the reason, the right one releases the batch', async () => {
    const { batchId, coiId } = await enrol('e2e-ref-qa');
    await answerUntilDone(partners, batchId, coiId, { stopAt: (d) => d.awaiting?.kind === 'qa-disposition' });
    const page = await signedIn('qa');
    await page.goto(`${origin!.url}/#/qa`);
    const row = page.getByRole('row').filter({ has: page.getByRole('link', { name: coiId }) });
    await row.getByRole('button', { name: 'Sign disposition' }).click();
    await row.getByLabel('Signing password (re-enter to sign)').fill('not the password');
    await row.getByRole('button', { name: 'Sign as Q. Assurance' }).click();
    await row.getByRole('alert').waitFor();
    expect(await row.getByRole('alert').textContent()).toMatch(/password/i);
    await expectAccessible(page, 'qa-signature-refused');

    await row.getByLabel('Signing password (re-enter to sign)').fill(SIGNING_PASSWORD);
    await row.getByRole('button', { name: 'Sign as Q. Assurance' }).click();
    await page.getByRole('status').filter({ hasText: 'Signed by Q. Assurance' }).waitFor();
    const { data } = await partners.reader.GET('/v1/batches/{id}', { params: { path: { id: batchId } } });
    expect(data?.awaiting?.kind).not.toBe('qa-disposition');
    await page.close();
  });

  it("books a feasible day on the scheduler's calendar, then cancels the booking", async () => {
    const { batchId, coiId } = await enrol('e2e-ref-booking');
    await answerUntilDone(partners, batchId, coiId, { stopAt: (d) => d.awaiting?.kind === 'infusion-booking' });
    const page = await signedIn('scheduler');
    await page.goto(`${origin!.url}/#/calendar/${ids.treatment}?batch=${batchId}`);
    const firstFeasible = page.getByRole('button', { name: /^Book \d{4}-\d{2}-\d{2}$/ }).first();
    await firstFeasible.waitFor();
    await expectAccessible(page, 'calendar-with-batch');
    const day = (await firstFeasible.getAttribute('aria-label'))!.slice('Book '.length);
    await firstFeasible.click();
    await page.getByRole('status').filter({ hasText: `Booked ${day}` }).waitFor();
    const booked = await partners.reader.GET('/v1/batches/{id}', { params: { path: { id: batchId } } });
    expect(booked.data?.booking).toBeDefined();

    await page.getByRole('button', { name: 'Cancel booking' }).click();
    await page.getByRole('status').filter({ hasText: 'Booking cancelled' }).waitFor();
    const cancelled = await partners.reader.GET('/v1/batches/{id}', { params: { path: { id: batchId } } });
    expect(cancelled.data?.booking).toBeUndefined();
    await page.close();
  });

  it('runs every page it opened under the Content-Security-Policy without a violation', () => {
    expect(cspViolations).toEqual([]);
  });
});
