import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createKafka } from '../../src/kafka-client.js';
import { pollUntil } from '../../src/poll-until.js';
import type { LiveIdentities } from '../../src/live/identities.js';
import { answerUntilDone } from '../../src/live/partners.js';
import type { AwaitingStep } from '../../src/live/v2v-api.js';
import { partnersOf, testIdentities } from '../setup/journey-services.js';
import { stackConfig, unique } from '../setup/services.js';
import { useTemporalClient } from '../setup/temporal-client.js';
import { freePort, startV2vProcess, stopV2vProcess, type V2vProcess } from '../setup/v2v-process.js';

/**
 * A careless client puts patient-identifying text (a name, a date of birth, a record number) into
 * every free-text field it can fill; none of it may reach a Temporal workflow history, a Kafka
 * message on a V2V topic, or a log line of the API or the worker. PostgreSQL may keep what a field
 * is for (the patient reference, a capacity exception's reason), shown only to those allowed.
 * Each field gets its own tag, so a hit names the field that leaked.
 */
const config = stackConfig();
const temporal = useTemporalClient();
const startedAt = new Date();
const RUN = unique('canary').replace(/[^a-z0-9]/g, '');
/** What is searched for: the name, the date of birth and the record number's stem, whatever the tag. */
const NEEDLES = ['Quixwort', '1931-07-14', `MRN${RUN}`];
const canary = (field: string) => `Zebulon Quixwort, born 1931-07-14, MRN${RUN}-${field}`;
const ids = { product: 'autologous-cd19-fresh', apheresis: 'city-hospital-apheresis', treatment: 'city-hospital-infusion', facility: 'central-cell-facility' };

let api: V2vProcess | undefined;
let worker: V2vProcess | undefined;
let apiUrl = '';
let who: LiveIdentities;
const filled: string[] = [];

async function call(token: string, method: string, path: string, body?: unknown, field?: string) {
  const response = await fetch(`${apiUrl}${path}`, {
    method,
    headers: { authorization: `Bearer ${token}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  if (field) filled.push(`${field} (${method} ${path.replace(/[0-9a-f-]{36}/, ':id')} → ${response.status})`);
  return { status: response.status, body: (await response.json().catch(() => ({}))) as Record<string, unknown> };
}

/** Every string in a value, Uint8Array payloads (Temporal's) read as UTF-8. */
function textOf(value: unknown, out: string[] = []): string[] {
  if (typeof value === 'string') out.push(value);
  else if (value instanceof Uint8Array) out.push(Buffer.from(value).toString('utf8'));
  else if (Array.isArray(value)) for (const v of value) textOf(v, out);
  else if (value && typeof value === 'object') for (const v of Object.values(value)) textOf(v, out);
  return out;
}

const hitsIn = (where: string, texts: string[]) =>
  texts.flatMap((text) => (NEEDLES.some((n) => text.includes(n)) ? [`${where}: …${text.slice(Math.max(0, text.search(/Quixwort|1931-07-14|MRN/) - 40), text.search(/Quixwort|1931-07-14|MRN/) + 80)}…`] : []));

beforeAll(async () => {
  const port = await freePort();
  [api, worker] = await Promise.all([
    startV2vProcess('api', 'API listening', { V2V_API_PORT: String(port), V2V_TIME_SCALE: '86400', V2V_RATE_LIMIT_PER_MINUTE: '0', V2V_RATE_LIMIT_IP_PER_MINUTE: '0' }),
    startV2vProcess('worker', 'worker started', { V2V_TIME_SCALE: '86400' }),
  ]);
  apiUrl = `http://127.0.0.1:${port}`;
  who = await testIdentities(apiUrl, RUN);
}, 180_000);

afterAll(async () => {
  if (api) await stopV2vProcess(api.child);
  if (worker) await stopV2vProcess(worker.child);
});

describe('a PHI canary in every free-text field', () => {
  it('reaches no workflow history, no Kafka message and no log line', async () => {
    const admin = who.admin.token;
    const coordinator = who.coordinators.get(ids.apheresis)!.token;
    // Enrolment: the patient reference is pseudonymous by contract; a careless client sends a record number.
    const enrolled = await call(admin, 'POST', '/v1/batches', { productId: ids.product, apheresisCenterId: ids.apheresis, treatmentCenterId: ids.treatment, facilityId: ids.facility, patientRef: `MRN${RUN}-patientRef` }, 'patientRef');
    expect([201, 202], JSON.stringify(enrolled.body)).toContain(enrolled.status);
    const batchId = String(enrolled.body.batchId);
    const coiId = String(enrolled.body.coiId);
    await pollUntil('the batch answers', async () => (await call(admin, 'GET', `/v1/batches/${batchId}`)).status === 200, { timeoutMs: 60_000, intervalMs: 500 });

    // A milestone's partner data and a hand-off's people and place, as the apheresis centre reports them.
    await call(coordinator, 'POST', `/v1/batches/${batchId}/milestones`, { milestone: 'apheresis-scheduled', at: new Date().toISOString(), data: { note: canary('milestone.data'), patient: { name: canary('milestone.data.nested') } } }, 'milestone data');
    // The hand-off must reach the workflow (its wrong DIN recorded as a deviation), not be refused before it for coming early.
    const awaitsCollection = async () => ((await call(admin, 'GET', `/v1/batches/${batchId}`)).body['awaiting'] as { step?: string } | null)?.step === 'collection';
    await pollUntil('the batch awaits the collection', awaitsCollection, { timeoutMs: 60_000, intervalMs: 250 });
    const scanned = await call(coordinator, 'POST', `/v1/batches/${batchId}/handoffs`, { step: 'collection', coiId, din: 'W000026000001A', actor: { name: canary('handoff.actor.name'), role: 'apheresis-nurse' }, location: canary('handoff.location') }, 'hand-off actor name, location');
    expect(scanned.body).toMatchObject({ error: { code: 'ERR_INVALID_DIN' } });
    // A capacity exception's reason, and the cancellation's reason.
    const day = new Date(Date.now() + 200 * 86_400_000).toISOString().slice(0, 10);
    await call(admin, 'POST', `/v1/sites/${ids.facility}/capacity-exceptions`, { resource: 'line', line: 'line-1', fromDay: day, toDay: day, capacity: 0, reason: canary('capacityException.reason') }, 'capacity exception reason');
    // Refused ones too: an error message must not echo the text either.
    await call(admin, 'POST', `/v1/batches/${batchId}/qa-disposition`, { decision: 'reject', meaning: canary('qa.meaning'), reason: canary('qa.reason'), signingPassword: 'wrong-password' }, 'QA meaning, reason (refused)');
    await call(admin, 'POST', `/v1/batches/${batchId}/urgency`, { tier: 'urgent', justification: canary('urgency.justification'), meaning: canary('urgency.meaning'), signingPassword: 'wrong-password' }, 'urgency justification, meaning (refused)');
    const cancelled = await call(admin, 'POST', `/v1/batches/${batchId}/cancel`, { reason: canary('cancel.reason') }, 'cancel reason');
    expect(cancelled.status, JSON.stringify(cancelled.body)).toBe(200);
    // The reason is kept in PostgreSQL: those who read the custody trail and the timeline still see it, and the chain holds.
    const custody = (await call(admin, 'GET', `/v1/batches/${batchId}/custody`)).body as { records: { kind: string; data: unknown; texts?: Record<string, string> }[]; verification: { verified: boolean } };
    const cancellation = custody.records.find((r) => r.kind === 'cancellation');
    expect(cancellation?.texts).toEqual({ reason: canary('cancel.reason') });
    expect(custody.records.find((r) => r.kind === 'deviation')?.texts).toEqual({ location: canary('handoff.location') });
    expect(JSON.stringify(cancellation?.data)).not.toContain('Quixwort');
    expect(custody.verification.verified).toBe(true);
    const timeline = (await call(admin, 'GET', `/v1/batches/${batchId}`)).body['timeline'] as { event: string; detail?: string }[];
    expect(timeline.find((t) => t.event === 'cancelled')?.detail).toBe(canary('cancel.reason'));

    // Signatures the workflow accepts: a second batch, driven by its partners, its outbound courier
    // late past the leg's 48 h stability window (2 s here), so QA assesses the deviation, then rejects the batch.
    const partners = partnersOf(who);
    const second = await call(admin, 'POST', '/v1/batches', { productId: ids.product, apheresisCenterId: ids.apheresis, treatmentCenterId: ids.treatment, facilityId: ids.facility, patientRef: `canary-${RUN}-2` });
    expect(second.status, JSON.stringify(second.body)).toBe(201);
    const signed = String(second.body.batchId);
    const lateReceipt = (a: AwaitingStep) => (a.kind === 'handoff' && a.step === 'facility-receipt' ? Date.now() + 5_000 : Date.now());
    const drive = (stopAt: AwaitingStep['kind']) => answerUntilDone(partners, signed, String(second.body.coiId), { answerAt: lateReceipt, stopAt: (d) => d.awaiting?.kind === stopAt, timeoutMs: 150_000 });
    const held = await drive('excursion-assessment');
    const deviation = held.awaiting as Extract<AwaitingStep, { kind: 'excursion-assessment' }>;
    const sign = { signingPassword: who.qa.signingPassword };
    const assessed = await call(who.qa.token, 'POST', `/v1/batches/${signed}/excursions/${deviation.excursionId}/assessment`, { impact: 'none', meaning: canary('assessment.meaning'), ...sign }, 'assessment meaning (signed)');
    expect(assessed.status, JSON.stringify(assessed.body)).toBe(200);
    expect((await drive('qa-disposition')).awaiting?.kind).toBe('qa-disposition');
    const rejected = await call(who.qa.token, 'POST', `/v1/batches/${signed}/qa-disposition`, { decision: 'reject', meaning: canary('qa.meaning.signed'), reason: canary('qa.reason.signed'), ...sign }, 'QA meaning, reason (signed)');
    expect(rejected.status, JSON.stringify(rejected.body)).toBe(200);
    // QA reads its words beside the signed records, and the timeline names the rejection's reason.
    const signedTrail = (await call(admin, 'GET', `/v1/batches/${signed}/custody`)).body as typeof custody;
    expect(signedTrail.records.find((r) => r.kind === 'excursion-assessment')?.texts).toEqual({ meaning: canary('assessment.meaning') });
    expect(signedTrail.records.find((r) => r.kind === 'qa-disposition')?.texts).toEqual({ meaning: canary('qa.meaning.signed'), reason: canary('qa.reason.signed') });
    expect(signedTrail.verification.verified).toBe(true);
    const failed = (await call(admin, 'GET', `/v1/batches/${signed}`)).body as { stage: string; timeline: { event: string; detail?: string }[] };
    expect(failed.stage).toBe('FAILED');
    expect(failed.timeline.find((t) => t.event === 'failed')?.detail).toBe(`QA rejected the batch: ${canary('qa.reason.signed')}`);

    // Let the outbox publish what the batches did.
    await new Promise((resolve) => setTimeout(resolve, 5_000));

    // Every workflow history since the test began.
    const histories: string[] = [];
    const hits: string[] = [];
    for await (const execution of temporal.client.workflow.list({ query: `StartTime >= '${startedAt.toISOString()}'` })) {
      const history = await temporal.client.workflow.getHandle(execution.workflowId, execution.runId).fetchHistory();
      histories.push(execution.workflowId);
      hits.push(...hitsIn(`history ${execution.workflowId}`, textOf(history)));
    }

    // Every message on every V2V topic, from the beginning.
    const kafka = createKafka(config, pino({ level: 'silent' }), 'v2v-phi-canary');
    const admin2 = kafka.admin();
    await admin2.connect();
    const topics = (await admin2.listTopics()).filter((t) => t.startsWith('v2v.'));
    let messages = 0;
    for (const topic of topics) {
      const high = (await admin2.fetchTopicOffsets(topic)).reduce((n, p) => n + Number(p.high) - Number(p.low), 0);
      if (high === 0) continue;
      const consumer = kafka.consumer({ groupId: unique('phi-canary') });
      await consumer.connect();
      await consumer.subscribe({ topic, fromBeginning: true });
      let seen = 0;
      await consumer.run({
        eachMessage: async ({ message }) => {
          seen++;
          hits.push(...hitsIn(`kafka ${topic}`, [message.key?.toString() ?? '', message.value?.toString() ?? '', ...textOf(message.headers ?? {})]));
        },
      });
      await pollUntil(`every message of ${topic}`, async () => seen >= high, { timeoutMs: 60_000, intervalMs: 200 });
      await consumer.disconnect();
      messages += seen;
    }
    await admin2.disconnect();

    // Every log line the API and the worker wrote.
    const lines = [...api!.output().split('\n'), ...worker!.output().split('\n')].filter((l) => l.trim() !== '');
    hits.push(...hitsIn('log', lines));

    console.log(`PHI canary: fields filled:\n  ${filled.join('\n  ')}\nscanned ${histories.length} workflow histories, ${messages} Kafka messages on ${topics.length} V2V topics, ${lines.length} log lines: ${hits.length} hits`);
    expect(hits).toEqual([]);
  });
});
