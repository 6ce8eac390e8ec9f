// The browser tests' Chromium, launched the same way (V2V_CHROMIUM names another binary).
import { launchChromium } from '../../test/e2e/browser.js';

export interface FirstLoad {
  /** Navigation start to the board's columns on screen. */
  msToBoard: number;
  /** …to the first batch card (the list answered, with each batch's forecast bands). */
  msToCards: number;
  cards: number;
  requests: number;
  /** Response bodies as sent on the wire (compressed where the server compressed them). */
  bytesOnWire: number;
  /** The same bodies decompressed. */
  bytesDecoded: number;
}

/** A cold first load of the dashboard (new browser context: empty cache) signed in with `token`. */
export async function measureFirstLoad(baseUrl: string, token: string): Promise<FirstLoad> {
  const browser = await launchChromium();
  try {
    const page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
    const finished: Promise<{ wire: number; decoded: number }>[] = [];
    page.on('requestfinished', (request) => {
      finished.push(
        (async () => {
          const sizes = await request.sizes();
          const response = await request.response();
          const decoded = response && !request.url().includes('/v1/events') ? (await response.body().catch(() => Buffer.alloc(0))).length : 0;
          return { wire: sizes.responseBodySize, decoded };
        })(),
      );
    });
    const started = performance.now();
    await page.goto(`${baseUrl}/#token=${token}`);
    await page.getByRole('region', { name: 'Batches by stage' }).waitFor();
    const msToBoard = performance.now() - started;
    await page.locator('article.card').first().waitFor();
    const msToCards = performance.now() - started;
    const cards = await page.locator('article.card').count();
    await page.waitForLoadState('networkidle', { timeout: 5_000 }).catch(() => undefined);
    const sizes = await Promise.all(finished);
    return {
      msToBoard,
      msToCards,
      cards,
      requests: sizes.length,
      bytesOnWire: sizes.reduce((sum, s) => sum + s.wire, 0),
      bytesDecoded: sizes.reduce((sum, s) => sum + s.decoded, 0),
    };
  } finally {
    await browser.close();
  }
}
