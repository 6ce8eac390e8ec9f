import { WorkflowUpdateFailedError } from '@temporalio/client';
import { describe, expect, it } from 'vitest';
import {
  assessmentUpdate,
  bookingUpdate,
  cancelBookingUpdate,
  excursionSignal,
  handoffUpdate,
  milestoneSignal,
  qaDispositionUpdate,
  statusQuery,
} from '../../workflows/messages.js';
import { batchInput, drive, scan, startBatch, waitUntilAwaitingChanges } from './journey-driver.js';
import { useBatchWorkflowEnv } from './workflow-env.js';

const DAY = 86_400_000;
const ctx = useBatchWorkflowEnv();
const FRESH = 'autologous-cd19-fresh';
const QA = { name: 'Q. Person', role: 'qualified person' };

/** The failure type behind a refused update. */
async function refusal(promise: Promise<unknown>): Promise<string | undefined> {
  const err = await promise.then(() => undefined, (e: unknown) => e);
  expect(err).toBeInstanceOf(WorkflowUpdateFailedError);
  return ((err as WorkflowUpdateFailedError).cause as { type?: string }).type;
}

describe('side paths of the batch workflow', () => {
  it('holds the batch on an excursion until QA assesses it, refusing hand-offs meanwhile', async () => {
    const { env } = ctx;
    const input = batchInput(FRESH, 101);
    const handle = await startBatch(env, input);
    await drive(env, handle, input, (s) => s.stage === 'OUTBOUND_TRANSIT');
    await handle.signal(excursionSignal, { excursionId: 'exc-1', change: 'opened', kind: 'excursion', deviceId: 'logger-7', metric: 'temperature_c', at: new Date().toISOString(), peak: 11.2 });
    await waitUntilAwaitingChanges(handle, { kind: 'handoff', step: 'facility-receipt' });
    let status = await handle.query(statusQuery);
    expect(status.stage).toBe('ON_HOLD');
    expect(status.awaiting).toEqual({ kind: 'excursion-assessment', excursionId: 'exc-1' });
    expect(await refusal(handle.executeUpdate(handoffUpdate, { args: [scan(input, 'facility-receipt')] }))).toBe('ERR_ON_HOLD');

    await handle.executeUpdate(assessmentUpdate, { args: [{ excursionId: 'exc-1', impact: 'none', signer: QA, meaning: 'no impact on product quality' }] });
    status = await handle.query(statusQuery);
    expect(status.stage).toBe('OUTBOUND_TRANSIT');
    // Assessed but not over: the issue stays open until ingest says the excursion ended.
    expect(status.issues.find((i) => i.id === 'exc-1')?.state).toBe('open');
    await handle.signal(excursionSignal, { excursionId: 'exc-1', change: 'closed', kind: 'excursion', deviceId: 'logger-7', at: new Date().toISOString(), durationMs: 60_000 });
    expect((await handle.query(statusQuery)).issues.find((i) => i.id === 'exc-1')?.state).toBe('closed');
    expect((await drive(env, handle, input)).stage).toBe('COMPLETED');
    expect(ctx.fake.alerts.size).toBeGreaterThan(0);
  });

  it('fails the batch when QA rejects the material after an excursion, then re-collects under the same COI', async () => {
    const { env } = ctx;
    const input = batchInput(FRESH, 102);
    const handle = await startBatch(env, input);
    await drive(env, handle, input, (s) => s.stage === 'MANUFACTURING');
    // What it awaits before the signal: read after it, it may already be the answer.
    const manufacturing = (await handle.query(statusQuery)).awaiting;
    await handle.signal(excursionSignal, { excursionId: 'exc-2', change: 'opened', kind: 'excursion', deviceId: 'bioreactor-1', metric: 'ph', at: new Date().toISOString() });
    await waitUntilAwaitingChanges(handle, manufacturing);
    await handle.executeUpdate(assessmentUpdate, { args: [{ excursionId: 'exc-2', impact: 'reject', signer: QA, meaning: 'pH excursion: product unusable' }] });
    let status = await handle.query(statusQuery);
    expect(status.stage).toBe('FAILED');
    expect(status.awaiting).toEqual({ kind: 'milestone', milestone: 'recollection-scheduled' });
    expect(ctx.fake.leftovers(input.batchId).reservedSlots).toBe(0);

    await handle.signal(milestoneSignal, { milestone: 'recollection-scheduled', at: new Date().toISOString(), source: 'apheresis centre' });
    await waitUntilAwaitingChanges(handle, status.awaiting);
    status = await handle.query(statusQuery);
    expect(status).toMatchObject({ stage: 'APHERESIS_SCHEDULED', attempt: 2, coiId: input.coiId });
    expect(status.din).toBeUndefined();
    expect((await drive(env, handle, input)).stage).toBe('COMPLETED');
  });

  it('cancels after a manufacturing failure, leaving no slot, booking or shipment behind', async () => {
    const { env, fake } = ctx;
    const input = batchInput(FRESH, 103);
    const handle = await startBatch(env, input);
    await drive(env, handle, input, (s) => s.stage === 'MANUFACTURING');
    const manufacturing = (await handle.query(statusQuery)).awaiting;
    await handle.signal(milestoneSignal, { milestone: 'manufacturing-failed', at: new Date().toISOString(), source: 'MES', data: { cause: 'insufficient expansion' } });
    await waitUntilAwaitingChanges(handle, manufacturing);
    expect((await handle.query(statusQuery)).stage).toBe('FAILED');
    await handle.executeUpdate('cancel', { args: [{ reason: 'patient no longer eligible', actor: { name: 'Dr. Treating', role: 'physician' } }] });
    expect((await handle.result()).stage).toBe('CANCELLED');
    expect(fake.leftovers(input.batchId)).toEqual({ reservedSlots: 0, activeBookings: 0, openShipments: 0 });
  });

  it('allows only a conditional release of an out-of-specification product, then waits for the physician', async () => {
    const { env } = ctx;
    const input = batchInput(FRESH, 104);
    const handle = await startBatch(env, input);
    await drive(env, handle, input, (s) => s.awaiting?.kind === 'milestone' && s.awaiting.milestone === 'qc-complete');
    await handle.signal(milestoneSignal, { milestone: 'qc-complete', at: new Date().toISOString(), source: 'QC lab', data: { passed: false } });
    await waitUntilAwaitingChanges(handle, { kind: 'milestone', milestone: 'qc-complete' });
    const release = { decision: 'release', signer: QA, meaning: 'released' } as const;
    expect(await refusal(handle.executeUpdate(qaDispositionUpdate, { args: [release] }))).toBe('ERR_NOT_ALLOWED');
    await handle.executeUpdate(qaDispositionUpdate, { args: [{ decision: 'conditional-release', signer: QA, meaning: 'released on physician acceptance', reason: 'viability 68% < 70%' }] });
    expect((await handle.query(statusQuery)).awaiting).toEqual({ kind: 'milestone', milestone: 'physician-acceptance' });
    expect((await drive(env, handle, input)).stage).toBe('COMPLETED');
  });

  it('raises a deviation and holds the batch when a leg outlives its stability window', async () => {
    const { env, fake } = ctx;
    const input = batchInput(FRESH, 105);
    const handle = await startBatch(env, input);
    await drive(env, handle, input, (s) => s.stage === 'OUTBOUND_TRANSIT');
    await env.sleep(input.profile.legs.outbound.stabilityHours * 3_600_000 + 60_000);
    const status = await handle.query(statusQuery);
    expect(status.stage).toBe('ON_HOLD');
    const deviation = status.issues.find((i) => i.kind === 'deviation')!;
    expect(deviation).toMatchObject({ blocking: true, reason: 'outbound leg over its stability window' });
    expect([...fake.custody.values()].some((r) => r.batchId === input.batchId && r.kind === 'deviation')).toBe(true);
    expect((await drive(env, handle, input)).stage).toBe('COMPLETED');
  });

  it('holds an unbooked product once no infusion can be booked in its shelf life, with a deviation and a critical alert', async () => {
    const { env, fake } = ctx;
    const input = batchInput(FRESH, 110);
    const handle = await startBatch(env, input);
    await drive(env, handle, input, (s) => s.stage === 'RECEIVED_AT_SITE');
    const { ld, maxDaysReceiptToInfusion } = input.profile;
    await env.sleep((maxDaysReceiptToInfusion - ld.courseDays - ld.restDaysMin) * DAY + 60_000);
    const status = await handle.query(statusQuery);
    const deviation = `deviation:infusion-window:${input.batchId}:1`;
    expect(status.stage).toBe('ON_HOLD');
    expect(status.awaiting).toEqual({ kind: 'excursion-assessment', excursionId: deviation });
    expect([...fake.custody.values()].some((r) => r.batchId === input.batchId && r.key === deviation)).toBe(true);
    expect([...fake.alerts.values()].filter((a) => a.batchId === input.batchId && a.kind === 'infusion-window-closed')).toHaveLength(1);
    await handle.executeUpdate(assessmentUpdate, { args: [{ excursionId: deviation, impact: 'reject', signer: QA, meaning: 'product expired' }] });
    expect((await handle.query(statusQuery)).stage).toBe('FAILED');
  });

  it('escalates a QA disposition that waits too long, up to three times', async () => {
    const { env, fake } = ctx;
    const input = batchInput(FRESH, 106);
    const handle = await startBatch(env, input);
    await drive(env, handle, input, (s) => s.stage === 'AWAITING_QA_RELEASE');
    await env.sleep(5 * input.profile.escalationHours.qaDisposition * 3_600_000);
    const escalations = [...fake.custody.values()].filter((r) => r.batchId === input.batchId && r.kind === 'escalation');
    expect(escalations).toHaveLength(3);
    expect([...fake.alerts.values()].filter((a) => a.batchId === input.batchId && a.kind === 'escalation')).toHaveLength(3);
    expect((await handle.query(statusQuery)).awaiting).toEqual({ kind: 'qa-disposition' });
  });

  it('waits for a free manufacturing line when the facility is full, alerting coordinators once', async () => {
    const { env, fake } = ctx;
    const input = batchInput(FRESH, 109);
    fake.fillFacility(input.batchId, 3);
    const handle = await startBatch(env, input);
    await drive(env, handle, input, (s) => s.stage === 'RECEIVED_AT_FACILITY');
    const done = await drive(env, handle, input);
    expect(done.stage).toBe('COMPLETED');
    expect(done.timeline.filter((t) => t.event === 'no-manufacturing-line')).toHaveLength(1);
    expect([...fake.alerts.values()].filter((a) => a.batchId === input.batchId && a.kind === 'capacity')).toHaveLength(1);
  });

  it('opens and clears a telemetry gap without holding the batch', async () => {
    const { env } = ctx;
    const input = batchInput(FRESH, 107);
    const handle = await startBatch(env, input);
    await drive(env, handle, input, (s) => s.stage === 'OUTBOUND_TRANSIT');
    const gap = { excursionId: 'gap-1', kind: 'telemetry_gap', deviceId: 'logger-7', at: new Date().toISOString() } as const;
    await handle.signal(excursionSignal, { ...gap, change: 'opened' });
    await handle.signal(excursionSignal, { ...gap, change: 'closed' });
    const status = await handle.query(statusQuery);
    expect(status.stage).toBe('OUTBOUND_TRANSIT');
    expect(status.issues).toMatchObject([{ id: 'gap-1', kind: 'telemetry_gap', state: 'closed', blocking: false }]);
  });

  it('keeps bookings inside the LD window, refuses a taken chair and lets the scheduler move or cancel', async () => {
    const { env, fake } = ctx;
    const input = batchInput(FRESH, 108);
    const handle = await startBatch(env, input);
    const atSite = await drive(env, handle, input, (s) => s.stage === 'RECEIVED_AT_SITE');
    const window = atSite.awaiting as { earliest: string; latest: string };
    const tooSoon = new Date(Date.parse(window.earliest) - DAY).toISOString();
    expect(await refusal(handle.executeUpdate(bookingUpdate, { args: [{ infusionDate: tooSoon }] }))).toBe('ERR_BOOKING_OUTSIDE_WINDOW');
    const tooLate = new Date(Date.parse(window.latest) + DAY).toISOString();
    expect(await refusal(handle.executeUpdate(bookingUpdate, { args: [{ infusionDate: tooLate }] }))).toBe('ERR_BOOKING_OUTSIDE_WINDOW');

    const day = new Date(Date.parse(window.earliest) + 2 * DAY).toISOString();
    fake.takeChair('chair-1', day);
    expect(await refusal(handle.executeUpdate(bookingUpdate, { args: [{ infusionDate: day, chair: 'chair-1' }] }))).toBe('ERR_SLOT_TAKEN');
    const booked = await handle.executeUpdate(bookingUpdate, { args: [{ infusionDate: day }] });
    expect(booked).toMatchObject({ chair: 'chair-2', infusionDate: day });
    expect(Date.parse(booked.ldStart)).toBe(Date.parse(day) - 5 * DAY);
    expect((await handle.query(statusQuery)).stage).toBe('INFUSION_SCHEDULED');

    await handle.executeUpdate(cancelBookingUpdate);
    await waitUntilAwaitingChanges(handle, { kind: 'timer', until: day, reason: 'infusion day' });
    const status = await handle.query(statusQuery);
    expect(status.stage).toBe('RECEIVED_AT_SITE');
    expect(status.awaiting?.kind).toBe('infusion-booking');
    expect((await drive(env, handle, input)).stage).toBe('COMPLETED');
  });
});
