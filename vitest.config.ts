import { availableParallelism } from 'node:os';
import { defineConfig } from 'vitest/config';

// Vitest's default (CPUs − 1) gives the unit and workflow files one worker on a 2-core machine, and
// they spend most of their time importing, not testing: two workers took them from 233 s to 133 s
// there. Both projects run as one group, so they must share the figure.
const pureWorkers = Math.max(2, availableParallelism() - 1);

// Levels by suffix (STYLE.md): unit tests need no server; workflow tests use the time-skipping
// test server; integration tests talk to the real PostgreSQL, Kafka and Temporal of `v2v stack up`.
export default defineConfig({
  test: {
    projects: [
      {
        test: {
          name: 'unit',
          maxWorkers: pureWorkers,
          include: ['test/**/*.test.ts', 'src/**/*.test.ts'],
          exclude: ['**/*.workflow.test.ts', '**/*.int.test.ts', '**/*.e2e.test.ts', '**/node_modules/**'],
        },
      },
      {
        test: {
          name: 'workflow',
          maxWorkers: pureWorkers,
          include: ['test/**/*.workflow.test.ts'],
          globalSetup: ['test/setup/test-server.ts'],
          setupFiles: ['test/setup/quiet-temporal.ts'],
          testTimeout: 60_000,
          hookTimeout: 120_000,
        },
      },
      {
        test: {
          name: 'int',
          include: ['test/**/*.int.test.ts'],
          globalSetup: ['test/setup/stack.ts'],
          setupFiles: ['test/setup/quiet-temporal.ts'],
          testTimeout: 120_000,
          hookTimeout: 300_000,
          // Integration files share one stack; running them one at a time keeps a 2-core machine honest.
          fileParallelism: false,
        },
      },
      {
        test: {
          name: 'e2e',
          include: ['test/**/*.e2e.test.ts'],
          globalSetup: ['test/setup/dashboard-build.ts', 'test/setup/stack.ts'],
          setupFiles: ['test/setup/quiet-temporal.ts'],
          // A browser, a worker process and the API on a 2-core machine: generous, and one file at a time.
          testTimeout: 120_000,
          hookTimeout: 300_000,
          fileParallelism: false,
        },
      },
    ],
  },
});
