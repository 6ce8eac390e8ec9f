import type { ChildProcess } from 'node:child_process';
import { pino } from 'pino';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { issueLocalToken } from '../../src/api/auth/local-keys.js';
import type { Principal } from '../../src/api/auth/principal.js';
import { createApiClient } from '../../src/api/client/index.js';
import { startApiServer, type ApiServer } from '../../src/api/server.js';
import { createDatabase } from '../../src/db/client.js';
import { sites } from '../../src/db/schema/index.js';
import { stackPaths } from '../../src/stack/paths.js';
import { stackConfig, unique } from '../setup/services.js';
import { startWorkerProcess, stopWorkerProcess } from '../setup/v2v-process.js';
import { launchChromium, screenshot, seriousAccessibilityProblems } from './browser.js';
import { dashboardOrigin } from './dashboard-origin.js';

/**
 * The dashboard in a real browser against the real stack: `v2v worker` as a process, the API
 * in-process on a free port, the built web/dist (`npm run web:build`). This file's sites are its own,
 * so the board shows exactly the batches enrolled here.
 */
const config = stackConfig();
const ids = { apheresis: unique('e2e-apheresis'), treatment: unique('e2e-treatment') };
const PRODUCT = 'autologous-cd19-fresh';
const person = (role: Principal['role'], name: string): Principal => ({ subject: unique(role), kind: 'user', name, role, sites: [ids.apheresis, ids.treatment] });

let worker: ChildProcess | undefined;
let server: ApiServer | undefined;
let origin: { url: string; close(): Promise<void> } | undefined;
let browser: Browser | undefined;
const database = createDatabase(config.DATABASE_URL!, { max: 2 });
const tokens = {} as Record<'coordinator' | 'scheduler' | 'qa', string>;
const enrolled: { batchId: string; coiId: string }[] = [];

beforeAll(async () => {
  await database.db.insert(sites).values([
    { id: ids.apheresis, kind: 'apheresis_center', name: 'E2E apheresis unit' },
    { id: ids.treatment, kind: 'treatment_center', name: 'E2E cell therapy unit', infusionChairs: 2 },
  ]);
  const root = stackPaths(config).root;
  tokens.coordinator = await issueLocalToken(root, person('coordinator', 'C. Ordinator'));
  tokens.scheduler = await issueLocalToken(root, person('scheduler', 'S. Cheduler'));
  tokens.qa = await issueLocalToken(root, person('qa', 'Q. Assurance'));
  worker = await startWorkerProcess(86_400);
  server = await startApiServer({ config, logger: pino({ level: 'silent' }), port: 0 });
  origin = await dashboardOrigin(server.url);

  const api = createApiClient({ baseUrl: server.url, token: tokens.coordinator });
  for (const patientRef of ['e2e-ref-1', 'e2e-ref-2']) {
    const { data, error } = await api.POST('/v1/batches', {
      body: { productId: PRODUCT, apheresisCenterId: ids.apheresis, treatmentCenterId: ids.treatment, facilityId: 'central-cell-facility', patientRef },
    });
    if (!data) throw new Error(`enrolment refused: ${JSON.stringify(error)}`);
    enrolled.push(data);
  }
  browser = await launchChromium();
});

afterAll(async () => {
  await browser?.close();
  await origin?.close();
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
