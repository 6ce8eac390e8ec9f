import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { alerts, custodyEvents, devices, equipment, excursions, forecasts, gateways, outbox, sites, workflowSignals } from '../../src/db/schema/index.js';
import { BATCH_EVENTS_TOPIC } from '../../src/outbox/batch-events.js';
import { unique } from '../setup/services.js';
import { stackApp } from './stack-app.js';
import { ADMIN, userOf } from './tokens.js';
import type { Principal } from '../../src/api/auth/principal.js';

const { app, db, enrolled, ids, identities } = stackApp();
let base: string;
let batchId: string;
const streams: AbortController[] = [];

beforeAll(async () => {
  base = await app.listen({ port: 0, host: '127.0.0.1' });
  ({ batchId } = await enrolled());
});
afterEach(() => streams.splice(0).forEach((s) => s.abort()));

interface Message {
  id?: string;
  event?: string;
  data?: unknown;
  comment?: string;
}

/** An SSE client over fetch: `next(match)` resolves with the first message that matches. */
async function connect(lastEventId?: string, principal: Principal = ADMIN) {
  const abort = new AbortController();
  streams.push(abort);
  // As a browser's EventSource does: the token in the query, the resume point in Last-Event-ID.
  const token = await identities.tokenFor(principal);
  const res = await fetch(`${base}/v1/events?access_token=${token}`, { signal: abort.signal, headers: lastEventId ? { 'last-event-id': lastEventId } : {} });
  if (res.status !== 200) throw new Error(`GET /v1/events answered ${res.status}: ${await res.text()}`);
  const reader = res.body!.pipeThrough(new TextDecoderStream()).getReader();
  let buffer = '';
  async function next(match: (m: Message) => boolean): Promise<Message> {
    for (;;) {
      const end = buffer.indexOf('\n\n');
      if (end >= 0) {
        const frame = buffer.slice(0, end);
        buffer = buffer.slice(end + 2);
        const message: Message = {};
        for (const line of frame.split('\n')) {
          if (line.startsWith(':')) message.comment = line.slice(1).trim();
          else if (line.startsWith('id: ')) message.id = line.slice(4);
          else if (line.startsWith('event: ')) message.event = line.slice(7);
          else if (line.startsWith('data: ')) message.data = JSON.parse(line.slice(6));
        }
        if (match(message)) return message;
        continue;
      }
      const { value, done } = await reader.read();
      if (done) throw new Error('the stream ended');
      buffer += value;
    }
  }
  // What a resumed stream replays arrives before `connected`: kept, so a test can look at it.
  const replayed: Message[] = [];
  await next((m) => m.comment === 'connected' || (replayed.push(m), false));
  return { res, next, replayed: replayed.filter((m) => m.event !== undefined) };
}

const about = (batch: string, type: string) => (m: Message) => m.event === type && (m.data as { batchId?: string }).batchId === batch;
const raiseAlert = (message: string) => db.insert(alerts).values({ key: unique('alert'), batchId, severity: 'warning', kind: 'excursion', message });
const alertSaying = (message: string) => (m: Message) => m.event === 'alert.raised' && (m.data as { detail: { message: string } }).detail.message === message;

/**
 * Inserts an alert in a transaction held open while `meanwhile` runs (so its id is taken before the
 * rows `meanwhile` writes), then commits it: a row that becomes visible after later ones.
 */
async function withLateAlert(message: string, meanwhile: () => Promise<void>) {
  let inserted!: () => void;
  let commit!: () => void;
  const taken = new Promise<void>((resolve) => (inserted = resolve));
  const committing = new Promise<void>((resolve) => (commit = resolve));
  const late = db.transaction(async (tx) => {
    await tx.insert(alerts).values({ key: unique('alert'), batchId, severity: 'warning', kind: 'excursion', message });
    inserted();
    await committing;
  });
  await taken;
  try {
    await meanwhile();
  } finally {
    // Committed whatever happened, so no test leaves a connection in an open transaction.
    commit();
    await late;
  }
}

function within<T>(ms: number, promise: Promise<T>, what: string): Promise<T> {
  return Promise.race([promise, new Promise<never>((_, reject) => setTimeout(() => reject(new Error(what)), ms).unref())]);
}

describe('GET /v1/events', () => {
  it('streams an alert and a stage change with the batch and its sites, never the patient reference', async () => {
    const { res, next } = await connect();
    expect(res.headers.get('content-type')).toContain('text/event-stream');
    await raiseAlert('temperature out of range');
    const alert = await next(about(batchId, 'alert.raised'));
    expect(alert.id).toMatch(/^\d+(\.\d+){4}$/);
    expect(alert.data).toMatchObject({ type: 'alert.raised', batchId, siteIds: expect.arrayContaining([ids.apheresis, ids.facility, ids.treatment]), detail: { severity: 'warning', message: 'temperature out of range' } });

    const payload = { eventId: unique('ev'), type: 'batch.stage-changed', batchId, coiId: 'x', productId: ids.product, stage: 'COLLECTED', previous: 'APHERESIS_SCHEDULED', at: new Date().toISOString() };
    await db.insert(outbox).values({ eventId: payload.eventId, topic: BATCH_EVENTS_TOPIC, key: batchId, payload });
    const stage = await next(about(batchId, 'batch.stage-changed'));
    expect(stage.data).toMatchObject({ detail: { stage: 'COLLECTED', previous: 'APHERESIS_SCHEDULED' } });
    expect(JSON.stringify(stage.data)).not.toMatch(/patientRef/i);
  });

  it('sends custody records, booking changes, forecasts and excursions each as its own event', async () => {
    const { next } = await connect();
    // A chain the database's head trigger accepts: seq 2 points at seq 1's hash.
    const [h1, h2] = [unique('h'), unique('h')];
    const record = (seq: number, kind: string, hash: string, prevHash?: string) => ({ batchId, seq, kind, actorName: 'S. Cheduler', actorRole: 'scheduler', occurredAt: new Date(), recordKey: unique('rk'), hash, prevHash });
    await db.insert(custodyEvents).values([record(1, 'handoff', h1), record(2, 'infusion-booking', h2, h1)]);
    await db.insert(forecasts).values({ batchId, target: 'release_days', unit: 'hours', p10: 1, p50: 2, p90: 3, modelId: 'm1' });
    const gateway = unique('gw');
    const device = unique('logger');
    await db.insert(gateways).values({ id: gateway, name: 'test gateway' });
    await db.insert(devices).values({ id: device, gatewayId: gateway, kind: 'logger' });
    const [excursion] = await db.insert(excursions).values({ kind: 'excursion', deviceId: device, batchId, metric: 'temperature_c', openedAt: new Date() }).returning();
    await db.insert(workflowSignals).values({
      changeId: `${excursion!.id}:opened`, workflowId: `batch:${batchId}`, workflowKind: 'batch', signal: 'excursion',
      payload: { excursionId: excursion!.id, change: 'opened', kind: 'excursion', deviceId: device, metric: 'temperature_c', at: new Date().toISOString(), peak: 9.5 },
    });

    expect((await next(about(batchId, 'custody.recorded'))).data).toMatchObject({ detail: { seq: 1, kind: 'handoff' } });
    expect((await next(about(batchId, 'booking.changed'))).data).toMatchObject({ detail: { seq: 2, kind: 'infusion-booking' } });
    expect((await next(about(batchId, 'forecast.updated'))).data).toMatchObject({ detail: { target: 'release_days', p50: 2, modelId: 'm1' } });
    expect((await next(about(batchId, 'excursion.opened'))).data).toMatchObject({ detail: { excursionId: excursion!.id, metric: 'temperature_c', peak: 9.5 } });
  });

  it('resumes after Last-Event-ID with what happened while disconnected', async () => {
    const first = await connect();
    await raiseAlert('before the drop');
    const seen = await first.next(about(batchId, 'alert.raised'));
    streams.splice(0).forEach((s) => s.abort());

    await raiseAlert('while disconnected');
    const again = await connect(seen.id);
    const missed = again.replayed.filter(about(batchId, 'alert.raised'));
    expect(missed.map((m) => (m.data as { detail: { message: string } }).detail.message)).toEqual(['while disconnected']);
  });

  it('sends a change whose transaction took its id first and committed after a later change was streamed', async () => {
    const { next } = await connect();
    await withLateAlert('committed late', async () => {
      await raiseAlert('committed first');
      // Streamed: the poller's cursor is now past the id the open transaction holds.
      await next(alertSaying('committed first'));
    });
    // A bound on waiting, not a timing assertion: without the watch on skipped ids it never comes.
    expect((await within(15_000, next(alertSaying('committed late')), 'the late-committed alert was never streamed')).data).toMatchObject({ batchId });
  });

  it('sends a late row once to a client that resumes just as it commits (the replay has it; the live feed does not send it again)', async () => {
    const watcher = await connect();
    await raiseAlert('before the resume point');
    const resumePoint = (await watcher.next(alertSaying('before the resume point'))).id;
    await withLateAlert('committed as the client resumes', async () => {
      await raiseAlert('streamed past it');
      await watcher.next(alertSaying('streamed past it'));
    });
    // Resumed at once: its replay reads the late row; the shared poller then finds it by id as well.
    const resumed = await connect(resumePoint);
    await watcher.next(alertSaying('committed as the client resumes'));
    await raiseAlert('marker');
    const live: Message[] = [];
    await resumed.next((m) => (live.push(m), alertSaying('marker')(m)));
    const copies = [...resumed.replayed, ...live].filter(alertSaying('committed as the client resumes'));
    expect(copies).toHaveLength(1);
  });

  it("sends a caller only its own sites' events", async () => {
    const otherSite = unique('other-site');
    const otherUnit = unique('freezer');
    await db.insert(sites).values({ id: otherSite, kind: 'treatment_center', name: 'Another cell therapy unit' });
    await db.insert(equipment).values({ id: otherUnit, siteId: otherSite, kind: 'freezer' });
    const elsewhere = await connect(undefined, userOf('coordinator', [otherSite]));
    const here = await connect(undefined, userOf('coordinator', [ids.treatment]));

    await raiseAlert('for the treatment centre');
    await db.insert(alerts).values({ key: unique('alert'), equipmentId: otherUnit, severity: 'info', kind: 'maintenance', message: 'for the other site' });
    expect((await here.next(about(batchId, 'alert.raised'))).data).toMatchObject({ detail: { message: 'for the treatment centre' } });
    // Alerts fan out in id order: had the other site's stream been sent the batch's alert, it would come first.
    const first = await elsewhere.next((m) => m.event === 'alert.raised');
    expect(first.data).toMatchObject({ equipmentId: otherUnit, siteIds: [otherSite] });
  });
});

describe('closing the app', () => {
  it('ends open streams instead of waiting for them', async () => {
    const open = await connect();
    await app.close();
    await expect(open.next(() => false)).rejects.toThrow('the stream ended');
  });
});
