import type { TestProject } from 'vitest/node';
import { loadConfig } from '../../src/config.js';
import { stackContext } from '../../src/stack/stack.js';
import { timeSkippingServerPath } from '../../src/stack/temporal.js';
import { provideWorkflowBundle } from './workflow-bundle.js';

/** Workflow tests need only the native time-skipping test server, not the running stack, and the workflows bundled. */
export default async function setup(project: TestProject) {
  const ctx = stackContext(loadConfig(), (m) => console.error(`[stack] ${m}`));
  project.provide('temporalTestServerPath', await timeSkippingServerPath(ctx));
  const bundle = await provideWorkflowBundle(project);
  return bundle.remove;
}
