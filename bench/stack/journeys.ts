import { Client, Connection } from '@temporalio/client';
import pg from 'pg';
import type { Config } from '../../src/config.js';
import { liveIdentities } from '../../src/live/live-session.js';
import { answerUntilDone, batchPartners, type BatchPartners } from '../../src/live/partners.js';
import { expectOk } from '../../src/live/v2v-api.js';
import { productionPorts } from '../../src/stack/production-ports.js';
import { temporalTransport } from '../../src/transport.js';
import { batchWorkflowId } from '../../workflows/messages.js';

const SITES = { apheresisCenterId: 'river-clinic-apheresis', treatmentCenterId: 'river-clinic-infusion' };

export interface Journey {
  batchId: string;
  coiId: string;
  partners: BatchPartners;
}

/** One batch enrolled through each API process, each with its own partners' identities. */
export async function enrolThroughEachApi(config: Config, run: string): Promise<Journey[]> {
  return Promise.all(
    productionPorts(config).api.map(async (port, n) => {
      const partners = batchPartners(await liveIdentities(config, `http://127.0.0.1:${port}`, `${run}-${n + 1}`), SITES);
      const body = { productId: 'autologous-cd19-fresh', ...SITES, patientRef: `${run}-${n + 1}` };
      const { batchId, coiId } = expectOk('enrolment', await partners.reader.POST('/v1/batches', { body }));
      return { batchId, coiId, partners };
    }),
  );
}

/** Answers each batch's partners until it reaches `stage` (or ends); returns the stages reached. */
export function driveUntil(journeys: Journey[], stage?: string): Promise<string[]> {
  return Promise.all(
    journeys.map(async (j) => (await answerUntilDone(j.partners, j.batchId, j.coiId, { timeoutMs: 300_000, ...(stage ? { stopAt: (d) => d.stage === stage } : {}) })).stage),
  );
}

/** The pids of the workers that took a workflow or activity task of these batches (the SDK's identity is <pid>@<host>). */
export async function workersThatTookTasks(config: Config, journeys: Journey[]): Promise<Set<string>> {
  const connection = await Connection.connect(temporalTransport(config));
  const client = new Client({ connection, namespace: config.TEMPORAL_NAMESPACE });
  const pids = new Set<string>();
  try {
    for (const { batchId } of journeys) {
      const history = await client.workflow.getHandle(batchWorkflowId(batchId)).fetchHistory();
      for (const e of history.events ?? []) {
        const identity = e.workflowTaskStartedEventAttributes?.identity ?? e.activityTaskStartedEventAttributes?.identity;
        if (identity) pids.add(identity.split('@')[0]!);
      }
    }
  } finally {
    await connection.close();
  }
  return pids;
}

/** Custody hand-offs recorded more than once for these batches: none may be, whatever was killed. */
export async function doubledHandoffs(config: Config, journeys: Journey[]): Promise<string[]> {
  const client = new pg.Client({ connectionString: config.DATABASE_URL });
  await client.connect();
  try {
    const { rows } = await client.query<{ batch_id: string; step: string; n: number }>(
      `select batch_id, step, count(*)::int as n from custody_events where batch_id = any($1) and kind = 'handoff' group by batch_id, step having count(*) > 1`,
      [journeys.map((j) => j.batchId)],
    );
    return rows.map((r) => `${r.batch_id} ${r.step} ×${r.n}`);
  } finally {
    await client.end();
  }
}
