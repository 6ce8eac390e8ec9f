import { readFileSync } from 'node:fs';
import { historyFromJSON } from '@temporalio/common/lib/proto-utils.js';
import { Worker } from '@temporalio/worker';
import { describe, expect, it } from 'vitest';
import { workflowsUnderTest } from './worker.js';

// Recorded once with the equipment workflow as it was before units assessed themselves on a timer
// (commit 4caddd3): a batch assigned, a risk above the threshold told to it (a command the new timer
// would otherwise collide with: remove the patch and this fails), a query, three idle days, terminated.
const history = historyFromJSON(JSON.parse(readFileSync(new URL('../fixtures/equipment-histories/equipment-before-assessments.json', import.meta.url), 'utf8')));

describe('an equipment workflow that started before scheduled assessments', () => {
  it('replays against the current code without a non-determinism error', async () => {
    await expect(Worker.runReplayHistory(workflowsUnderTest(), history, 'equipment:bioreactor-before-assessments')).resolves.toBeUndefined();
  });
});
