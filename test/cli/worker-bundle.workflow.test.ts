import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { historyFromJSON } from '@temporalio/common/lib/proto-utils.js';
import { Worker } from '@temporalio/worker';
import { afterAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config.js';
import { workflowCode, workflowsPath } from '../../src/worker/workflow-bundle.js';
import { runV2v } from '../setup/cli.js';

const dir = mkdtempSync(path.join(tmpdir(), 'v2v-bundle-test-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('v2v worker --write-bundle: the workflows bundled once, for V2V_WORKFLOW_BUNDLE', () => {
  it('writes a bundle a worker replays a recorded history with', async () => {
    const file = path.join(dir, 'nested', 'workflow-bundle.js');
    expect(runV2v('worker', '--write-bundle', file)).toContain(`workflow bundle written to ${file}`);
    const history = historyFromJSON(JSON.parse(readFileSync(new URL('../fixtures/equipment-histories/equipment-before-assessments.json', import.meta.url), 'utf8')));
    await expect(Worker.runReplayHistory({ workflowBundle: { codePath: file } }, history, 'equipment:bioreactor-before-assessments')).resolves.toBeUndefined();
  });

  it('is what a worker loads when the config names one, and workflows/ bundled at start when not', () => {
    const file = path.join(dir, 'nested', 'workflow-bundle.js');
    expect(workflowCode(loadConfig({ V2V_WORKFLOW_BUNDLE: file }))).toEqual({ workflowBundle: { codePath: file } });
    expect(workflowCode(loadConfig({}))).toEqual({ workflowsPath });
  });

  it('stops a worker whose named bundle cannot be read, naming the setting and the cure', () => {
    const missing = path.join(dir, 'missing.js');
    expect(() => workflowCode(loadConfig({ V2V_WORKFLOW_BUNDLE: missing }))).toThrow(`V2V_WORKFLOW_BUNDLE: cannot read ${missing} (ENOENT); write it with \`v2v worker --write-bundle ${missing}\``);
  });

  it('refuses a path with a control character, and one it cannot write, naming what is wrong', () => {
    expect(() => runV2v('worker', '--write-bundle', `${dir}/a\u0001b.js`)).toThrow(/--writeBundle: .*control character/);
    expect(() => runV2v('worker', '--write-bundle', '/etc/hostname/bundle.js')).toThrow("cannot write the workflow bundle to /etc/hostname/bundle.js: ENOTDIR: not a directory, mkdir '/etc/hostname'");
    // Where Node's own recursive mkdir would spin until killed.
    expect(() => runV2v('worker', '--write-bundle', '/proc/v2v-nope/bundle.js')).toThrow("cannot write the workflow bundle to /proc/v2v-nope/bundle.js: ENOENT: no such file or directory, mkdir '/proc/v2v-nope'");
  });
});
