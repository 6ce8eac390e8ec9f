import { pino } from 'pino';
import type { Browser, Page } from 'playwright-core';
import { issueLocalToken } from '../../src/api/auth/local-keys.js';
import type { Principal } from '../../src/api/auth/principal.js';
import { addUser } from '../../src/api/auth/users.js';
import { createApiClient } from '../../src/api/client/index.js';
import { startApiServer, type ApiServer } from '../../src/api/server.js';
import { createDatabase } from '../../src/db/client.js';
import { sites } from '../../src/db/schema/index.js';
import { replanChain } from '../../src/planning/capacity/index.js';
import { stackPaths } from '../../src/stack/paths.js';
import { stackConfig, unique } from '../setup/services.js';
import { launchChromium } from './browser.js';

/**
 * The scheduling pages' world: sites of their own (so the chains, lines and waitlist entries they
 * show are this file's), the API in-process serving the built dashboard, one Chromium. No worker:
 * enrolment books the chain in the API's own transaction, and the pages read what the database holds.
 *  - `open`: collects one patient a day, every day; its facility has one line.
 *  - `closed`: never collects (no collection days), so an order there can have no chain and waits.
 */
export const PRODUCT = 'autologous-cd19-fresh';
export const SIGNING_PASSWORD = 'correct horse battery';

export interface SchedulingWorld {
  ids: { open: string; closed: string; treatment: string; otherTreatment: string; facility: string };
  server: ApiServer;
  browser: Browser;
  tokens: { coordinator: string; scheduler: string };
  api: (role: 'coordinator' | 'scheduler') => ReturnType<typeof createApiClient>;
  signedIn: (role: 'coordinator' | 'scheduler', hash: string) => Promise<Page>;
  /** The apheresis centre proposes a later day: the re-plan the batch workflow's activity runs. */
  replan: (batchId: string, earliestDay: string) => Promise<void>;
  close: () => Promise<void>;
}

export async function schedulingWorld(): Promise<SchedulingWorld> {
  const config = stackConfig();
  const database = createDatabase(config.DATABASE_URL!, { max: 2 });
  const ids = {
    open: unique('e2e-aph-open'),
    closed: unique('e2e-aph-closed'),
    treatment: unique('e2e-tc'),
    otherTreatment: unique('e2e-tc-other'),
    facility: unique('e2e-fac'),
  };
  const everyDay = ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'];
  await database.db.insert(sites).values([
    { id: ids.open, kind: 'apheresis_center', name: 'E2E open apheresis', collectionsPerDay: 1, collectionDays: everyDay },
    { id: ids.closed, kind: 'apheresis_center', name: 'E2E closed apheresis', collectionsPerDay: 1, collectionDays: [] },
    { id: ids.treatment, kind: 'treatment_center', name: 'E2E treatment centre', infusionChairs: 2 },
    { id: ids.otherTreatment, kind: 'treatment_center', name: 'E2E other treatment centre', infusionChairs: 2 },
    { id: ids.facility, kind: 'manufacturing_facility', name: 'E2E one-line facility', manufacturingLines: 1 },
  ]);

  const root = stackPaths(config).root;
  const person = (role: Principal['role'], name: string, siteIds: string[]): Principal => ({ subject: unique(role), kind: 'user', name, role, sites: siteIds });
  const all = Object.values(ids);
  const tokens = {
    coordinator: await issueLocalToken(root, person('coordinator', 'C. Ordinator', all)),
    // The hospital's scheduler sees one treatment centre (and the apheresis centres it sends to); a real
    // user with a signing password, as `v2v users add` makes one, since the scheduler signs urgency tiers.
    scheduler: (await addUser(database.db, root, { name: 'S. Cheduler', role: 'scheduler', sites: [ids.treatment, ids.open, ids.closed], signingPassword: SIGNING_PASSWORD })).token,
  };
  const server = await startApiServer({ config, logger: pino({ level: 'silent' }), port: 0 });
  const browser = await launchChromium();
  return {
    ids,
    server,
    browser,
    tokens,
    api: (role) => createApiClient({ baseUrl: server.url, token: tokens[role] }),
    async signedIn(role, hash) {
      const page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
      await page.goto(`${server.url}/#token=${tokens[role]}`);
      await page.getByRole('button', { name: 'Sign out' }).waitFor();
      // A hash change is the dashboard's own navigation: no reload, the session stays.
      await page.evaluate((h) => {
        window.location.hash = h;
      }, hash);
      return page;
    },
    async replan(batchId, earliestDay) {
      await database.db.transaction((tx) => replanChain(tx, batchId, { earliestDay, reason: 'collection day proposed #1' }));
    },
    async close() {
      await browser.close();
      await server.close();
      await database.pool.end();
    },
  };
}
