import { Client, Connection } from '@temporalio/client';
import { beforeAll, describe, expect, it } from 'vitest';
import type { LiveIdentities } from '../../src/live/identities.js';
import { expectOk } from '../../src/live/v2v-api.js';
import { pollUntil } from '../../src/poll-until.js';
import { batchWorkflowId } from '../../workflows/messages.js';
import { unique } from '../setup/services.js';
import { partnersOf, useJourneyServices } from '../setup/journey-services.js';

/**
 * A batch's history stays bounded whatever a partner repeats: the API asks the workflow (a query,
 * which leaves no event) whether a milestone is news, and acknowledges a repeat without signalling.
 */
// 2,000 in CI, where every second counts; V2V_MILESTONE_REPEATS=10000 is the run the README's figure came from.
const REPEATS = Number(process.env.V2V_MILESTONE_REPEATS ?? 2_000);
const CONCURRENCY = 16;
// The per-caller rate limit (600 a minute) would answer most repeats 429 first: lifted, so every repeat reaches the news check.
const services = useJourneyServices(1, 600, { V2V_RATE_LIMIT_PER_MINUTE: 1_000_000, V2V_RATE_LIMIT_IP_PER_MINUTE: 1_000_000 });
let identities: LiveIdentities;
let connection: Connection;
beforeAll(() => void ({ identities, connection } = services));

/** All events, and those carrying the batch's business (workflow-task events depend on timing, not on what the batch did). */
async function historyLength(batchId: string) {
  const { events } = await new Client({ connection }).workflow.getHandle(batchWorkflowId(batchId)).fetchHistory();
  const business = events!.filter((e) => !e.workflowTaskScheduledEventAttributes && !e.workflowTaskStartedEventAttributes && !e.workflowTaskCompletedEventAttributes);
  const signals = events!.filter((e) => e.workflowExecutionSignaledEventAttributes);
  return { total: events!.length, business: business.length, signals: signals.length };
}

describe('a partner repeating a milestone', () => {
  it(`adds nothing to the history: ${REPEATS} repeats through the API leave its length unchanged`, async () => {
    const partners = partnersOf(identities);
    const body = { productId: 'autologous-bcma-cryo', apheresisCenterId: 'city-hospital-apheresis', treatmentCenterId: 'city-hospital-infusion', patientRef: unique('repeat') };
    const { batchId } = expectOk('enrolment', await partners.reader.POST('/v1/batches', { body }));
    const reporter = partners.milestone('apheresis-scheduled');
    // Times the server's clock takes (within its skew, after the batch's last event): a minute ahead, and up to three more.
    const base = Date.now() + 60_000;
    const report = (n: number) =>
      reporter.POST('/v1/batches/{id}/milestones', {
        params: { path: { id: batchId } },
        // Every other repeat varies its time and data: a partner cannot grow the history by varying them either.
        body: { milestone: 'apheresis-scheduled', at: new Date(base + (n % 2) * (n % 180) * 1000).toISOString(), source: 'apheresis scheduler', data: { n: n % 2 === 0 ? 0 : n } },
      });

    const first = expectOk('first report', await report(0));
    expect(first.duplicate).toBe(false);
    await pollUntil('the milestone to be recorded', async () => {
      const detail = expectOk('detail', await partners.reader.GET('/v1/batches/{id}', { params: { path: { id: batchId } } }));
      return detail.awaiting?.kind !== 'milestone' || detail.awaiting.milestone !== 'apheresis-scheduled';
    }, { timeoutMs: 30_000, intervalMs: 100 });
    // The milestone's own effects (its forecast) finish first, so only the repeats could add anything.
    const handle = new Client({ connection }).workflow.getHandle(batchWorkflowId(batchId));
    await pollUntil('the milestone\'s activities to finish', async () => ((await handle.describe()).raw.pendingActivities ?? []).length === 0, { timeoutMs: 30_000, intervalMs: 100 });
    const before = await historyLength(batchId);

    let duplicates = 0;
    let next = 1;
    await Promise.all(
      Array.from({ length: CONCURRENCY }, async () => {
        while (next <= REPEATS) {
          const answer = expectOk('repeat', await report(next++));
          if (answer.duplicate) duplicates++;
        }
      }),
    );
    const after = await historyLength(batchId);
    console.log(`milestone repeats: ${REPEATS} posted, ${duplicates} acknowledged as duplicates; history before ${JSON.stringify(before)}, after ${JSON.stringify(after)}`);
    expect(duplicates).toBe(REPEATS);
    expect(after.signals).toBe(before.signals);
    expect(after.business).toBe(before.business);
    // Each repeat costs a query (a round trip through the worker): minutes on a busy 2-core machine.
  }, 900_000);
});
