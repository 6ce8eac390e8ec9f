import { accessSync, constants } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { bundleWorkflowCode, type WorkerOptions } from '@temporalio/worker';
import type { Config } from '../config.js';
import { makeDirectory } from '../make-directory.js';
import { writeFileWhole } from '../write-whole.js';

/** The workflow bundle's entry: batch, shipment and equipment workflows. */
export const workflowsPath = fileURLToPath(new URL('../../workflows/index.ts', import.meta.url));

/**
 * Bundles workflows/ (webpack: seconds of CPU) into `file`, whole or not at all: a worker
 * starting meanwhile never reads half a bundle.
 */
export async function writeWorkflowBundle(file: string): Promise<string> {
  const cannot = (err: unknown) => new Error(`cannot write the workflow bundle to ${file}: ${err instanceof Error ? err.message : String(err)}`);
  // Where it goes is checked first, so a path that cannot be written costs no bundling.
  try {
    makeDirectory(path.dirname(file));
    accessSync(path.dirname(file), constants.W_OK);
  } catch (err) {
    throw cannot(err);
  }
  const { code } = await bundleWorkflowCode({ workflowsPath, logger: quietBundler });
  try {
    writeFileWhole(file, code);
  } catch (err) {
    throw cannot(err);
  }
  return file;
}

/**
 * The workflow code a worker runs: the prebuilt bundle the config names, else workflows/ bundled
 * now. A named bundle that cannot be read stops the worker here, before it connects to anything.
 */
export function workflowCode(config: Pick<Config, 'V2V_WORKFLOW_BUNDLE'>): Pick<WorkerOptions, 'workflowBundle' | 'workflowsPath'> {
  const file = config.V2V_WORKFLOW_BUNDLE;
  if (!file) return { workflowsPath };
  try {
    accessSync(file, constants.R_OK);
  } catch (err) {
    throw new Error(`V2V_WORKFLOW_BUNDLE: cannot read ${file} (${(err as NodeJS.ErrnoException).code ?? String(err)}); write it with \`v2v worker --write-bundle ${file}\`, or unset it`);
  }
  return { workflowBundle: { codePath: file } };
}

/** webpack's progress lines are noise in a CLI's or a test's output; its warnings and errors are not. */
const say = (message: string, meta?: unknown) => console.error(message, meta ?? '');
const quietBundler = { log: () => undefined, trace: () => undefined, debug: () => undefined, info: () => undefined, warn: say, error: say };
