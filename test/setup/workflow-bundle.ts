import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { TestProject } from 'vitest/node';
import { writeWorkflowBundle } from '../../src/worker/workflow-bundle.js';

/**
 * The workflows bundled once for a project's whole run, as a deployment ships them
 * (V2V_WORKFLOW_BUNDLE): each test file's worker and each `v2v worker` a test starts loads it
 * instead of spending seconds of CPU bundling the same code again. Made fresh every run from the
 * code under test, so it is never stale. Returns the bundle's path and the teardown.
 */
export async function provideWorkflowBundle(project: TestProject): Promise<{ file: string; remove: () => void }> {
  const dir = mkdtempSync(path.join(tmpdir(), 'v2v-workflows-'));
  const file = await writeWorkflowBundle(path.join(dir, 'workflow-bundle.js'));
  project.provide('workflowBundle', file);
  return { file, remove: () => rmSync(dir, { recursive: true, force: true }) };
}

declare module 'vitest' {
  export interface ProvidedContext {
    workflowBundle: string;
  }
}
