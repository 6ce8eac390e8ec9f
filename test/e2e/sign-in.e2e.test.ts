import { pino } from 'pino';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { setLoginCredentials } from '../../src/api/auth/sign-in/login-credentials.js';
import { addUser } from '../../src/api/auth/users.js';
import { startApiServer, type ApiServer } from '../../src/api/server.js';
import { createDatabase } from '../../src/db/client.js';
import { sites } from '../../src/db/schema/index.js';
import { stackPaths } from '../../src/stack/paths.js';
import { startTestProvider, type TestProvider } from '../setup/oidc-provider.js';
import { stackConfig, unique } from '../setup/services.js';
import { launchChromium, screenshot, seriousAccessibilityProblems } from './browser.js';

/**
 * Signing in to the dashboard as people sign in elsewhere, in a real browser: through a real
 * OpenID Connect provider (oidc-provider, its login page, code + PKCE) and, with no provider, with
 * a user name and password checked by the API. Two APIs on free ports serve the built dashboard
 * (`npm run web:build`), one configured for each.
 */
const config = stackConfig();
const site = unique('e2e-signin-centre');
const database = createDatabase(config.DATABASE_URL!, { max: 2 });
const PASSWORD = 'a long login passphrase';

let browser: Browser | undefined;
let provider: TestProvider | undefined;
let withProvider: ApiServer | undefined;
let embedded: ApiServer | undefined;
let username = '';

beforeAll(async () => {
  await database.db.insert(sites).values({ id: site, kind: 'treatment_center', name: 'E2E sign-in unit' });
  provider = await startTestProvider({
    redirectUri: () => `${withProvider!.url}/`,
    accounts: {
      'c.ordinator': { name: 'C. Ordinator', role: 'coordinator', sites: [site] },
      // Known to the provider but not someone V2V accepts: no V2V role.
      stranger: { name: 'S. Tranger', role: 'superuser', sites: [] },
    },
  });
  withProvider = await startApiServer({
    config: {
      ...config,
      V2V_AUTH_JWKS_URL: provider.jwksUrl,
      V2V_AUTH_ISSUER: provider.issuer,
      V2V_AUTH_AUDIENCE: provider.audience,
      V2V_OIDC_CLIENT_ID: provider.clientId,
      V2V_OIDC_RESOURCE: provider.resource,
    },
    logger: pino({ level: 'silent' }),
    port: 0,
  });
  embedded = await startApiServer({ config, logger: pino({ level: 'silent' }), port: 0 });
  const { id } = await addUser(database.db, stackPaths(config).root, { name: 'P. Assword', role: 'coordinator', sites: [site] });
  username = unique('p.assword').toLowerCase();
  await setLoginCredentials(database.db, id, username, PASSWORD);
  browser = await launchChromium();
});

afterAll(async () => {
  await browser?.close();
  await withProvider?.close();
  await embedded?.close();
  await provider?.close();
  await database.pool.end();
});

async function expectAccessible(page: Page, name: string) {
  await screenshot(page, name);
  expect(await seriousAccessibilityProblems(page), `axe on ${name}`).toEqual([]);
}

const storedToken = (page: Page) => page.evaluate(() => sessionStorage.getItem('v2v.token'));
const claimsOf = (token: string) => JSON.parse(Buffer.from(token.split('.')[1]!, 'base64url').toString()) as Record<string, unknown>;

/** The provider's development login page, then its consent page. */
async function atProvider(page: Page, login: string) {
  await page.locator('input[name="login"]').fill(login);
  await page.locator('input[name="password"]').fill('any password: the dev login page checks none');
  await page.getByRole('button', { name: 'Sign-in' }).click();
  await page.getByRole('button', { name: 'Continue' }).click();
}

describe('signing in to the dashboard', () => {
  it("through the organisation's OpenID Connect provider: its login page, back to the board, the code gone from the address bar", async () => {
    const page = await browser!.newPage({ viewport: { width: 1280, height: 800 } });
    await page.goto(withProvider!.url);
    await page.getByRole('heading', { name: 'Sign in to V2V' }).waitFor();
    await expectAccessible(page, 'sign-in-oidc');
    await page.getByRole('button', { name: "Sign in with your organisation's account" }).click();
    await page.waitForURL((url) => url.origin === provider!.issuer);
    await atProvider(page, 'c.ordinator');
    await page.getByRole('button', { name: 'Sign out' }).waitFor();
    expect(await page.getByText(`C. Ordinator · coordinator · ${site}`).count()).toBe(1);
    expect(page.url()).not.toContain('code=');
    const token = (await storedToken(page))!;
    expect(claimsOf(token)).toMatchObject({ iss: provider!.issuer, aud: provider!.audience, role: 'coordinator', sub: 'c.ordinator' });
    await page.close();
  });

  it('refuses a provider account that carries no V2V role, saying why, and stores nothing', async () => {
    const page = await browser!.newPage();
    await page.goto(withProvider!.url);
    await page.getByRole('button', { name: "Sign in with your organisation's account" }).click();
    await atProvider(page, 'stranger');
    await page.getByRole('alert').filter({ hasText: /Sign-in failed: .*claims/ }).waitFor();
    expect(await storedToken(page)).toBeNull();
    await page.close();
  });

  it('with a user name and password when there is no provider: a wrong password is refused, the right one lands on the board', async () => {
    const page = await browser!.newPage({ viewport: { width: 1280, height: 800 } });
    await page.goto(embedded!.url);
    await page.getByRole('heading', { name: 'Sign in to V2V' }).waitFor();
    await expectAccessible(page, 'sign-in-password');
    await page.getByLabel('User name').fill(username);
    await page.getByLabel('Password', { exact: true }).fill('not the passphrase');
    await page.getByRole('button', { name: 'Sign in', exact: true }).click();
    await page.getByRole('alert').filter({ hasText: 'The user name or the password is wrong.' }).waitFor();
    await page.getByLabel('Password', { exact: true }).fill(PASSWORD);
    await page.getByRole('button', { name: 'Sign in', exact: true }).click();
    await page.getByRole('button', { name: 'Sign out' }).waitFor();
    expect(await page.getByText(`P. Assword · coordinator · ${site}`).count()).toBe(1);
    const token = (await storedToken(page))!;
    const claims = claimsOf(token);
    expect(claims).toMatchObject({ iss: 'v2v-local', role: 'coordinator' });
    expect((claims.exp as number) - (claims.iat as number)).toBe(8 * 3600);
    await page.close();
  });
});
