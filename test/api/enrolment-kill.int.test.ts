import { eq } from 'drizzle-orm';
import { WorkflowNotFoundError } from '@temporalio/client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { issueLocalToken } from '../../src/api/auth/local-keys.js';
import type { Failpoint } from '../../src/config.js';
import { createDatabase } from '../../src/db/client.js';
import { batches, pendingEnrolments, productProfiles, sites } from '../../src/db/schema/index.js';
import { PRODUCT_PROFILES } from '../../src/domain/profiles.js';
import { pollUntil } from '../../src/poll-until.js';
import { stackPaths } from '../../src/stack/paths.js';
import { stackConfig, unique } from '../setup/services.js';
import { useTemporalClient } from '../setup/temporal-client.js';
import { freePort, startV2vProcess, stopV2vProcess, type V2vProcess } from '../setup/v2v-process.js';
import { ADMIN } from './tokens.js';

/**
 * A real `v2v api` process is stopped dead (SIGKILL) at each step of an enrolment, held there by
 * V2V_FAILPOINT; then a new API process, its reconciler and the client's retry under the same
 * Idempotency-Key must leave exactly one batch row with exactly one workflow, or neither, and the
 * retry one consistent answer.
 */
const config = stackConfig();
const { db, pool } = createDatabase(config.DATABASE_URL!, { max: 2 });
const temporal = useTemporalClient();
const ids = { product: unique('product'), apheresis: unique('apheresis'), treatment: unique('treatment'), facility: unique('facility') };
const processes: V2vProcess[] = [];
const workflowsSeen = new Set<string>();
let authorization = '';

beforeAll(async () => {
  const profile = { ...PRODUCT_PROFILES[0]!, id: ids.product };
  await db.insert(productProfiles).values({ id: ids.product, name: profile.name, profile });
  await db.insert(sites).values([
    { id: ids.apheresis, kind: 'apheresis_center', name: 'Kill test apheresis unit' },
    { id: ids.treatment, kind: 'treatment_center', name: 'Kill test cell therapy unit' },
    { id: ids.facility, kind: 'manufacturing_facility', name: 'Kill test facility' },
  ]);
  // Half-done enrolments other files left on purpose are not this file's: the API processes started
  // here would otherwise start their workflows for real.
  await db.delete(pendingEnrolments);
  authorization = `Bearer ${await issueLocalToken(stackPaths(config).root, ADMIN)}`;
});

afterAll(async () => {
  for (const { child } of processes) await stopV2vProcess(child, 'SIGKILL');
  // No worker runs these batches here; they must not wait for the next file's worker either.
  for (const id of workflowsSeen) await temporal.client.workflow.getHandle(id).terminate('enrolment kill test done').catch(() => undefined);
  await pool.end();
});

async function startApi(env: Record<string, string>): Promise<{ url: string; process: V2vProcess }> {
  const port = await freePort();
  const started = await startV2vProcess('api', 'API listening', { V2V_API_PORT: String(port), V2V_API_HOST: '127.0.0.1', ...env });
  processes.push(started);
  return { url: `http://127.0.0.1:${port}`, process: started };
}

const bodyFor = (patientRef: string) => ({ productId: ids.product, apheresisCenterId: ids.apheresis, treatmentCenterId: ids.treatment, facilityId: ids.facility, patientRef });

const enrol = (url: string, key: string, body: object) =>
  fetch(`${url}/v1/batches`, { method: 'POST', headers: { authorization, 'content-type': 'application/json', 'idempotency-key': key }, body: JSON.stringify(body) });

const rowsOf = (patientRef: string) => db.select().from(batches).where(eq(batches.patientRef, patientRef));
const markOf = async (batchId: string) => (await db.select().from(pendingEnrolments).where(eq(pendingEnrolments.batchId, batchId)))[0];

/** Executions of the batch's workflow id (every run, open or closed), as Temporal's visibility lists them. */
async function workflowCount(batchId: string): Promise<number> {
  const workflowId = `batch:${batchId}`;
  let count = 0;
  for await (const execution of temporal.client.workflow.list({ query: `WorkflowId = '${workflowId}'` })) {
    expect(execution.type).toBe('batchWorkflow');
    count += 1;
  }
  if (count > 0) workflowsSeen.add(workflowId);
  return count;
}

async function workflowExists(batchId: string): Promise<boolean> {
  try {
    await temporal.client.workflow.getHandle(`batch:${batchId}`).describe();
    workflowsSeen.add(`batch:${batchId}`);
    return true;
  } catch (err) {
    if (err instanceof WorkflowNotFoundError) return false;
    throw err;
  }
}

/** Sends an enrolment to an API held at `step`, SIGKILLs it there, and says which batch it was storing. */
async function enrolAndKillAt(step: Failpoint, key: string, body: object): Promise<string> {
  const doomed = await startApi({ V2V_FAILPOINT: step, V2V_ENROL_RECONCILE_SECONDS: '3600' });
  const answer = enrol(doomed.url, key, body).then(
    (res) => `answered ${res.status}`,
    () => 'no answer',
  );
  const line = await pollUntil(
    `the API to reach ${step}`,
    async () => doomed.process.output().split('\n').find((l) => l.includes(`"failpoint":"${step}"`)),
    { timeoutMs: 30_000, context: doomed.process.output },
  );
  await stopV2vProcess(doomed.process.child, 'SIGKILL');
  expect(await answer).toBe('no answer');
  return (JSON.parse(line) as { batchId: string }).batchId;
}

/** A fresh API process whose reconciler runs every second, until the batch's half-done enrolment is finished. */
async function recover(batchId: string): Promise<string> {
  const { url } = await startApi({ V2V_ENROL_RECONCILE_SECONDS: '1' });
  await pollUntil(`the reconciler to finish batch ${batchId}`, async () => (await markOf(batchId)) === undefined, { timeoutMs: 60_000 });
  return url;
}

describe('enrolment survives a SIGKILL of the API at each step', () => {
  it('killed before the transaction commits: nothing is left; the retry enrols once', async () => {
    const [key, patientRef] = [unique('kill-key'), unique('before-commit')];
    const body = bodyFor(patientRef);
    const lost = await enrolAndKillAt('enrol:before-commit', key, body);
    // The uncommitted transaction died with its connection: no row, no mark, no workflow.
    await pollUntil('the killed transaction to roll back', async () => (await rowsOf(patientRef)).length === 0, { timeoutMs: 30_000 });
    expect(await markOf(lost)).toBeUndefined();
    expect(await workflowExists(lost)).toBe(false);

    const url = await recover(lost);
    const retry = await enrol(url, key, body);
    expect(retry.status).toBe(201);
    const answer = (await retry.json()) as { batchId: string; coiId: string; started: boolean };
    expect(answer.batchId).not.toBe(lost);
    expect(answer.started).toBe(true);
    const again = await enrol(url, key, body);
    expect(again.status).toBe(201);
    expect(await again.json()).toEqual(answer);
    expect(await rowsOf(patientRef)).toEqual([expect.objectContaining({ id: answer.batchId, coiId: answer.coiId })]);
    expect(await pollUntil('the workflow to be listed', async () => (await workflowCount(answer.batchId)) || false, { timeoutMs: 30_000 })).toBe(1);
  });

  for (const step of ['enrol:after-commit', 'enrol:after-start'] as const) {
    it(`killed at ${step}: the new process's reconciler starts exactly one workflow; the retry gets the stored batch`, async () => {
      const [key, patientRef] = [unique('kill-key'), unique(step.replace(':', '-'))];
      const body = bodyFor(patientRef);
      const batchId = await enrolAndKillAt(step, key, body);
      // What the kill left: the row and its pending mark; the workflow only if the start had happened.
      expect(await rowsOf(patientRef)).toHaveLength(1);
      expect(await markOf(batchId)).toBeDefined();
      expect(await workflowExists(batchId)).toBe(step === 'enrol:after-start');

      const url = await recover(batchId);
      expect(await workflowExists(batchId)).toBe(true);
      const [row] = await rowsOf(patientRef);
      for (let i = 0; i < 2; i++) {
        const retry = await enrol(url, key, body);
        expect(retry.status).toBe(201);
        // The stored batch, and the slot chain it was enrolled with (issue 18): the same on every retry.
        const answer = await retry.json();
        expect(answer).toMatchObject({ batchId, coiId: row!.coiId, started: true, waitlisted: false });
        expect(answer.chain).toMatchObject({ version: 1, state: 'booked' });
      }
      expect(await rowsOf(patientRef)).toHaveLength(1);
      expect(await pollUntil('the workflow to be listed', async () => (await workflowCount(batchId)) || false, { timeoutMs: 30_000 })).toBe(1);
    });
  }
});
