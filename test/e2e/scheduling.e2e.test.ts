import type { Locator, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { screenshot, seriousAccessibilityProblems } from './browser.js';
import { PRODUCT, schedulingWorld, SIGNING_PASSWORD, type SchedulingWorld } from './scheduling-world.js';

/**
 * The scheduling pages in a real browser against the real stack (issue 18): enrolment offers the
 * slot chains and books one, a chain taken a moment ago is refused plainly, the facility's grid shows
 * the line held ahead, and an order no chain fits waits on the waitlist with its position and reason.
 */
let world: SchedulingWorld;
/** The batch the first test books: the re-plan test moves its chain. */
let booked1: string;
let booked1Coi: string;
/** The order the waitlist test leaves waiting: the urgency test signs its tier. */
let waiting: string;

beforeAll(async () => {
  world = await schedulingWorld();
});

afterAll(async () => {
  await world?.close();
});

/** The batch an outcome links to (`#/batch/<id>`). */
async function linkedBatch(outcome: Locator): Promise<string> {
  const link = await outcome.getByRole('link', { name: /^Batch / }).getAttribute('href');
  return decodeURIComponent(link!.split('/').pop()!);
}

const enrolmentHash = (apheresis: string, treatment = world.ids.treatment) =>
  `#/enrolment?product=${PRODUCT}&treatment=${treatment}&apheresis=${apheresis}&facility=${world.ids.facility}`;

describe('scheduling in the dashboard', () => {
  it('books a feasible chain at enrolment, and the capacity view shows its line reserved ahead', async () => {
    const page = await world.signedIn('coordinator', enrolmentHash(world.ids.open));
    await page.getByRole('heading', { name: 'Feasible slot chains' }).waitFor();
    await page.getByLabel('Patient reference').fill('e2e-chain-1');
    await page.getByRole('button', { name: /^Book the chain collecting/ }).first().click();
    const booked = page.getByRole('status').filter({ hasText: 'Booked: collection' });
    await booked.waitFor();
    expect(await seriousAccessibilityProblems(page), 'axe on enrolment').toEqual([]);
    await screenshot(page, 'scheduling-enrolment');
    const batchId = await linkedBatch(booked);
    const coiId = (await booked.getByRole('link', { name: /^Batch / }).textContent())!.replace(/^Batch /, '');
    await page.close();

    // The capacity view is the coordinator's: the booked batch's cells are held ahead on the one line.
    const coordinator = await world.signedIn('coordinator', `#/capacity/${world.ids.facility}?batch=${batchId}`);
    const held = coordinator.locator(`td.highlighted[data-state="reserved-ahead"]`);
    await held.first().waitFor();
    expect(await held.count()).toBeGreaterThan(0);
    expect(await coordinator.locator('td.highlighted:not([data-state="reserved-ahead"])').count()).toBe(0);
    await coordinator.getByText('reserved ahead', { exact: false }).first().waitFor();
    expect(await seriousAccessibilityProblems(coordinator), 'axe on capacity').toEqual([]);
    await screenshot(coordinator, 'scheduling-capacity');
    await coordinator.close();
    booked1 = batchId;
    booked1Coi = coiId;
  });

  it('shows a re-planned chain as an alert with what moved', async () => {
    const { data: chains } = await world.api('coordinator').GET('/v1/chain-replans', { params: { query: { batchId: booked1 } } });
    expect(chains!.replans).toEqual([]);
    const page = await world.signedIn('coordinator', '#/waitlist');
    await page.getByRole('heading', { name: 'Re-plans' }).waitFor();
    // The apheresis centre proposes a day a week later: the chain is planned again under the same rules.
    const { data: offer } = await world.api('coordinator').GET('/v1/slot-chains', { params: { query: { productId: PRODUCT, treatmentCenterId: world.ids.treatment, apheresisCenterId: world.ids.open, facilityId: world.ids.facility } } });
    const later = offer!.chains.at(-1)!.collection.day;
    await world.replan(booked1, later);
    await page.reload();
    const row = page.locator(`section[aria-labelledby="replans"] tr[data-batch="${booked1}"]`);
    await row.waitFor();
    expect(await row.getByRole('link', { name: booked1Coi }).count()).toBe(1);
    await row.getByText('collection day proposed #1').waitFor();
    expect(await row.textContent()).toMatch(/collection .+ → .+/);
    expect(await seriousAccessibilityProblems(page), 'axe on re-plans').toEqual([]);
    await screenshot(page, 'scheduling-replans');
    await page.close();
  });

  it('says plainly when the chosen chain was taken a moment ago, and books nothing', async () => {
    const page = await world.signedIn('coordinator', enrolmentHash(world.ids.open));
    await page.getByRole('heading', { name: 'Feasible slot chains' }).waitFor();
    // Another enrolment takes the first chain on offer while the page still shows it.
    const api = world.api('coordinator');
    const { data: offer } = await api.GET('/v1/slot-chains', { params: { query: { productId: PRODUCT, treatmentCenterId: world.ids.treatment, apheresisCenterId: world.ids.open, facilityId: world.ids.facility } } });
    const first = offer!.chains[0]!;
    const taken = await api.POST('/v1/batches', { body: { productId: PRODUCT, treatmentCenterId: world.ids.treatment, apheresisCenterId: world.ids.open, patientRef: 'e2e-chain-rival', chain: first.enrolWith } });
    expect(taken.response.status).toBe(201);

    await page.getByLabel('Patient reference').fill('e2e-chain-2');
    await page.getByRole('button', { name: `Book the chain collecting ${first.collection.day} at ${first.manufacturing.facilityId}` }).click();
    await page.getByRole('alert').filter({ hasText: 'just taken by another enrolment' }).waitFor();
    const { data: list } = await api.GET('/v1/batches', { params: { query: { site: world.ids.open, limit: 500 } } });
    expect(list!.batches.filter((b) => b.patientRef === 'e2e-chain-2')).toEqual([]);
    await page.close();
  });

  it('puts an order no chain fits on the waitlist, shown with its position and the rule that placed it', async () => {
    const page = await world.signedIn('coordinator', enrolmentHash(world.ids.closed));
    await page.getByRole('heading', { name: 'No slot chain fits the horizon' }).waitFor();
    await page.getByLabel('Patient reference').fill('e2e-waiting-1');
    await page.getByRole('button', { name: 'Enrol on the waitlist' }).click();
    const status = page.getByRole('status').filter({ hasText: 'Enrolled on the waitlist' });
    await status.waitFor();
    const batchId = await linkedBatch(status);
    // Another centre's waiting order: the coordinator's list has it, this centre's scheduler's does not.
    const other = await world.api('coordinator').POST('/v1/batches', { body: { productId: PRODUCT, treatmentCenterId: world.ids.otherTreatment, apheresisCenterId: world.ids.closed, patientRef: 'e2e-waiting-2' } });
    expect(other.data?.waitlisted).toBe(true);

    await status.getByRole('link', { name: 'See the waitlist' }).click();
    const row = (p: Page, id: string) => p.locator(`tr[data-batch="${id}"]`);
    await row(page, batchId).waitFor();
    await row(page, other.data!.batchId).waitFor();
    await page.close();

    const scheduler = await world.signedIn('scheduler', '#/waitlist');
    const { data: place } = await world.api('scheduler').GET('/v1/batches/{id}/waitlist', { params: { path: { id: batchId } } });
    expect(place!.state).toBe('waiting');
    await row(scheduler, batchId).waitFor();
    expect(await row(scheduler, batchId).getByRole('rowheader').textContent()).toBe(String(place!.position));
    const { data: list } = await world.api('scheduler').GET('/v1/waitlist', {});
    const entry = list!.entries.find((e) => e.batchId === batchId)!;
    await row(scheduler, batchId).getByText(entry.rule, { exact: false }).waitFor();
    expect(await row(scheduler, other.data!.batchId).count()).toBe(0);
    expect(await seriousAccessibilityProblems(scheduler), 'axe on waitlist').toEqual([]);
    await screenshot(scheduler, 'scheduling-waitlist');
    await scheduler.close();
    waiting = batchId;
  });

  it("signs a waiting order's urgency tier: a wrong signing password is refused, the right one changes the tier", async () => {
    const page = await world.signedIn('scheduler', '#/waitlist');
    const row = page.locator(`tr[data-batch="${waiting}"]`);
    await row.getByText('Set urgency').click();
    await row.getByLabel('critical').check();
    await row.getByLabel('Clinical justification').fill('rapid progression on bridging therapy');
    await row.getByLabel('Signing password (re-enter to sign)').fill('not the password');
    await row.getByRole('button', { name: 'Sign as S. Cheduler' }).click();
    expect(await row.getByRole('alert').textContent()).toMatch(/password/i);

    await row.getByLabel('Signing password (re-enter to sign)').fill(SIGNING_PASSWORD);
    await row.getByRole('button', { name: 'Sign as S. Cheduler' }).click();
    await page.getByRole('status').filter({ hasText: 'Urgency critical signed by S. Cheduler' }).waitFor();
    const { data } = await world.api('scheduler').GET('/v1/batches/{id}/waitlist', { params: { path: { id: waiting } } });
    expect(data!.urgencyTier).toBe('critical');
    await row.getByRole('cell', { name: /^critical/ }).waitFor();
    await page.close();
  });
});
