import { mkdirSync, renameSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { bundleWorkflowCode, type WorkerOptions } from '@temporalio/worker';
import type { Config } from '../config.js';

/** The workflow bundle's entry: batch, shipment and equipment workflows. */
export const workflowsPath = fileURLToPath(new URL('../../workflows/index.ts', import.meta.url));

/**
 * Bundles workflows/ (webpack: seconds of CPU) into `file`, whole or not at all: a worker
 * starting meanwhile never reads half a bundle.
 */
export async function writeWorkflowBundle(file: string): Promise<string> {
  const { code } = await bundleWorkflowCode({ workflowsPath, logger: quietBundler });
  mkdirSync(path.dirname(file), { recursive: true });
  const partial = `${file}.${process.pid}.partial`;
  writeFileSync(partial, code);
  renameSync(partial, file);
  return file;
}

/** The workflow code a worker runs: the prebuilt bundle the config names, else workflows/ bundled now. */
export function workflowCode(config: Pick<Config, 'V2V_WORKFLOW_BUNDLE'>): Pick<WorkerOptions, 'workflowBundle' | 'workflowsPath'> {
  return config.V2V_WORKFLOW_BUNDLE ? { workflowBundle: { codePath: config.V2V_WORKFLOW_BUNDLE } } : { workflowsPath };
}

/** webpack's progress lines are noise in a CLI's or a test's output; its warnings and errors are not. */
const say = (message: string, meta?: unknown) => console.error(message, meta ?? '');
const quietBundler = { log: () => undefined, trace: () => undefined, debug: () => undefined, info: () => undefined, warn: say, error: say };
