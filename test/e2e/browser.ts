import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import type { AxeResults } from 'axe-core';

/**
 * The browser the end-to-end tests drive: the system's Chromium (`.ci/run` installs it), headless,
 * with nothing of its own reaching the network. V2V_CHROMIUM names another binary.
 */
const CHROMIUM = process.env.V2V_CHROMIUM ?? '/usr/bin/chromium';
const ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync'];
export const RESULTS_DIR = path.resolve('test-results');

export function launchChromium(): Promise<Browser> {
  return chromium.launch({ executablePath: CHROMIUM, headless: true, args: ARGS });
}

const require = createRequire(import.meta.url);

export interface AxeProblem {
  id: string;
  impact: string;
  help: string;
  targets: string[];
}

/** axe-core's serious and critical violations on the page as it is now (minor ones are reported by axe, not failed on). */
export async function seriousAccessibilityProblems(page: Page): Promise<AxeProblem[]> {
  // Evaluated through the debugging protocol, not as a page script: the API's CSP refuses inline
  // scripts (addScriptTag inlines one), and the test checks the page itself raises no violation.
  await page.evaluate(readFileSync(require.resolve('axe-core'), 'utf8'));
  const results = await page.evaluate(() => (window as unknown as { axe: { run(): Promise<AxeResults> } }).axe.run());
  return results.violations
    .filter((v) => v.impact === 'serious' || v.impact === 'critical')
    .map((v) => ({ id: v.id, impact: v.impact ?? '', help: v.help, targets: v.nodes.map((n) => n.target.join(' ')) }));
}

export async function screenshot(page: Page, name: string): Promise<void> {
  await mkdir(RESULTS_DIR, { recursive: true });
  await page.screenshot({ path: path.join(RESULTS_DIR, `${name}.png`), fullPage: true });
}
