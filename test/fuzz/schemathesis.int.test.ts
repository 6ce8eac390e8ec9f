import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createUser, issueToken, type Principal } from '../../src/api/auth/identities.js';
import { requireDatabaseUrl } from '../../src/db/client.js';
import { REFERENCE_SITES } from '../../src/db/seed.js';
import { repoRoot, stackPaths } from '../../src/stack/paths.js';
import { stackConfig, unique } from '../setup/services.js';
import { useTemporalClient } from '../setup/temporal-client.js';
import { freePort, startV2vProcess, startWorkerProcess, stopV2vProcess, type V2vProcess } from '../setup/v2v-process.js';
import { ensureFuzzPython, runSchemathesis, type FuzzOutcome } from './schemathesis.js';

/**
 * Schemathesis against the real `v2v api` process on the stack, once per role with that role's
 * real token: every answer must be documented (status, content type, headers, body) and none may
 * be a 5xx. Generated enrolments use the reference product and sites (enrolment-hooks.py), so the
 * fuzzer follows the OpenAPI links from POST /v1/batches into real batches, answered by a real
 * `v2v worker`. Rate limits are off for this API process: the fuzzer is one caller sending
 * thousands of requests, which the limits exist to refuse.
 *
 * Bounded for CI (V2V_FUZZ_EXAMPLES per operation, 4 by default; V2V_FUZZ_SEED); `npm run test:fuzz`
 * runs it with more. Each role's full output is in test-results/fuzz/.
 */
const config = stackConfig();
const stackRoot = stackPaths(config).root;
const examples = Number(process.env.V2V_FUZZ_EXAMPLES ?? 4);
const seed = Number(process.env.V2V_FUZZ_SEED ?? 19_004);
const reportDir = path.join(repoRoot, 'test-results', 'fuzz');
const temporal = useTemporalClient();
const sites = REFERENCE_SITES.map((s) => s.id);
const sitesOf = (kind: string) => REFERENCE_SITES.filter((s) => s.kind === kind).map((s) => s.id);
const ENROLMENT = { productId: 'autologous-cd19-fresh', apheresisCenterId: 'city-hospital-apheresis', treatmentCenterId: 'city-hospital-infusion' };

const run = unique('fuzz');
const person = (role: Principal['role'], roleSites: string[]): Principal => ({ subject: `${run}-${role}`, kind: 'user', name: `Fuzz ${role}`, role, sites: roleSites });
const machine = (role: Principal['role'], roleSites: string[]): Principal => ({ subject: `${run}-${role}`, kind: 'machine', name: `Fuzz ${role} system`, role, sites: roleSites });

/**
 * Every role the access table knows, each reaching every reference site of its kind. The coordinator
 * and admin enrol, so the stateful phase runs with them in full (the coverage phase's boundary
 * values too); the others run the fuzzing and stateful phases.
 */
const ROLES: { role: string; principal: Principal; phases: string[] }[] = [
  { role: 'admin', principal: person('admin', []), phases: ['coverage', 'fuzzing', 'stateful'] },
  { role: 'coordinator', principal: person('coordinator', sites), phases: ['fuzzing', 'stateful'] },
  { role: 'scheduler', principal: person('scheduler', sitesOf('treatment_center')), phases: ['fuzzing', 'stateful'] },
  { role: 'qa', principal: person('qa', sites), phases: ['fuzzing', 'stateful'] },
  { role: 'gateway-admin', principal: person('gateway-admin', sites), phases: ['fuzzing', 'stateful'] },
  { role: 'courier', principal: machine('courier', sites), phases: ['fuzzing', 'stateful'] },
  { role: 'manufacturing', principal: machine('manufacturing', sitesOf('manufacturing_facility')), phases: ['fuzzing', 'stateful'] },
  { role: 'qc-lab', principal: machine('qc-lab', sitesOf('manufacturing_facility')), phases: ['fuzzing', 'stateful'] },
];

let python = '';
let api: V2vProcess | undefined;
let apiUrl = '';
let worker: Awaited<ReturnType<typeof startWorkerProcess>> | undefined;
const startedAt = new Date();
const tokens = new Map<string, string>();
const outcomes: FuzzOutcome[] = [];

beforeAll(async () => {
  python = await ensureFuzzPython(stackRoot, (line) => console.error(line));
  const port = await freePort();
  [api, worker] = await Promise.all([
    startV2vProcess('api', 'API listening', { V2V_API_PORT: String(port), V2V_RATE_LIMIT_PER_MINUTE: '0', V2V_RATE_LIMIT_IP_PER_MINUTE: '0' }),
    startWorkerProcess(86_400),
  ]);
  apiUrl = `http://127.0.0.1:${port}`;
  for (const { role, principal } of ROLES) {
    // QA signs: a real user row with a signing password (the fuzzer never knows it), as `v2v users add` makes one.
    const token = role === 'qa'
      ? (await createUser(requireDatabaseUrl(config.DATABASE_URL), stackRoot, { name: principal.name, role: 'qa', sites: principal.sites, signingPassword: unique('pw') }, { expiresIn: '1h' })).token
      : await issueToken(stackRoot, principal, { expiresIn: '1h' });
    tokens.set(role, token);
  }
}, 600_000);

afterAll(async () => {
  if (api) await stopV2vProcess(api.child);
  if (worker) await stopV2vProcess(worker);
  // The batches the fuzzer enrolled must not wait for the next file's worker.
  const query = `WorkflowType = 'batchWorkflow' AND ExecutionStatus = 'Running' AND StartTime >= '${startedAt.toISOString()}'`;
  for await (const execution of temporal.client.workflow.list({ query })) {
    await temporal.client.workflow.getHandle(execution.workflowId).terminate('API fuzz test done').catch(() => undefined);
  }
  const lines = outcomes.map((o) => `${o.role.padEnd(14)} ${String(o.generated).padStart(5)} cases, ${o.failures} failures, ${o.errored} errors, ${o.seconds.toFixed(0)} s`);
  console.log(`schemathesis, ${examples} examples per operation, seed ${seed}:\n${lines.join('\n')}`);
});

describe('the API against its own OpenAPI document (schemathesis)', () => {
  for (const { role, phases } of ROLES) {
    it(`as ${role}: no 5xx, and every answer as documented`, async () => {
      const outcome = await runSchemathesis({ python, apiUrl, role, token: tokens.get(role)!, maxExamples: examples, seed, phases, enrolment: ENROLMENT, reportDir });
      outcomes.push(outcome);
      expect(outcome.generated, `schemathesis ran no case (${outcome.reportFile})`).toBeGreaterThan(0);
      expect({ failures: outcome.failures, errored: outcome.errored, exitCode: outcome.exitCode }, `${outcome.reportFile}\n${outcome.problems}`).toEqual({ failures: 0, errored: 0, exitCode: 0 });
    }, 600_000);
  }

  it('the API logged no request that failed', () => {
    const failed = api!.output().split('\n').filter((line) => line.includes('"request failed"'));
    expect(failed.slice(0, 3)).toEqual([]);
  });
});
