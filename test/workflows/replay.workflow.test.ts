import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { historyFromJSON } from '@temporalio/common/lib/proto-utils.js';
import { Worker } from '@temporalio/worker';
import { describe, expect, it } from 'vitest';
import { workflowsUnderTest } from './worker.js';

const folder = new URL('../fixtures/histories/', import.meta.url);
const fixtures = readdirSync(folder).filter((f) => f.endsWith('.json'));
const histories = () =>
  fixtures.map((file) => ({
    workflowId: file.replace(/\.json$/, ''),
    history: historyFromJSON(JSON.parse(readFileSync(new URL(file, folder), 'utf8'))),
  }));

async function replayFailures(code: ReturnType<typeof workflowsUnderTest> | { workflowsPath: string }) {
  const failures: string[] = [];
  for await (const result of Worker.runReplayHistories(code, histories())) {
    if (result.error) failures.push(`${result.workflowId}: ${result.error.message}`);
  }
  return failures;
}

describe('replaying recorded histories against the current workflow code', () => {
  it('has recorded histories to replay', () => {
    expect(fixtures.length).toBeGreaterThanOrEqual(4);
  });

  it('replays every one without a non-determinism error', async () => {
    expect(await replayFailures(workflowsUnderTest())).toEqual([]);
  });

  it('fails every one against a non-deterministic edit of the workflow', async () => {
    const edited = fileURLToPath(new URL('../fixtures/nondeterministic-workflows.ts', import.meta.url));
    const failures = await replayFailures({ workflowsPath: edited });
    expect(failures).toHaveLength(fixtures.length);
    expect(failures.join('\n')).toMatch(/[Nn]ondeterminism/);
  });
});
