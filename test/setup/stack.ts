import type { TestProject } from 'vitest/node';
import { prepareDatabase } from '../../src/cli/migrate-command.js';
import { loadConfig } from '../../src/config.js';
import { readStackEnv, stackContext, stackDown, stackStatus, stackUp } from '../../src/stack/stack.js';
import { provideWorkflowBundle } from './workflow-bundle.js';

/**
 * Integration tests run against the real services: the ones `v2v stack up` already runs (or that
 * the environment names, or testcontainers with `V2V_TESTCONTAINERS=1`), else this setup starts
 * them, migrated and seeded, and at the end stops only what it started.
 */
export default async function setup(project: TestProject) {
  const config = loadConfig();
  const containers = config.V2V_TESTCONTAINERS === '1' ? await (await import('./containers.js')).startContainers() : undefined;
  const ctx = stackContext({ ...config, ...containers?.env }, (m) => console.error(`[stack] ${m}`));
  const before = await stackStatus(ctx);
  const started = before.filter((s) => s.state !== 'up').map((s) => s.service);
  await stackUp(ctx);
  const env = readStackEnv(ctx);
  if (!env) throw new Error('stack up wrote no .stack/env');
  // Every file may be the first on a fresh database: the schema and reference data are there before any runs.
  await prepareDatabase(env.DATABASE_OWNER_URL ?? env.DATABASE_URL ?? ctx.config.DATABASE_OWNER_URL ?? ctx.config.DATABASE_URL!);
  // The workers the tests start (`v2v worker`, Worker.create) load the run's one bundle.
  const bundle = await provideWorkflowBundle(project);
  project.provide('stackEnv', { ...env, V2V_WORKFLOW_BUNDLE: bundle.file });
  return async () => {
    bundle.remove();
    if (started.length > 0) await stackDown(ctx, started);
    await containers?.stop();
  };
}

declare module 'vitest' {
  export interface ProvidedContext {
    stackEnv: Record<string, string>;
  }
}
