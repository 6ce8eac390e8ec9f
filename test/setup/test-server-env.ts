import { TestWorkflowEnvironment } from '@temporalio/testing';
import { inject } from 'vitest';

/**
 * The native time-skipping test server from the stack's binaries; never the SDK's own download,
 * which cannot reach the internet on these machines.
 */
export function testServerEnvironment(): Promise<TestWorkflowEnvironment> {
  return TestWorkflowEnvironment.createTimeSkipping({
    server: { executable: { type: 'existing-path', path: inject('temporalTestServerPath') } },
  });
}

declare module 'vitest' {
  export interface ProvidedContext {
    temporalTestServerPath: string;
  }
}
