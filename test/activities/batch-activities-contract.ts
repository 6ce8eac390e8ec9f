import { describe, expect, it } from 'vitest';
import type { BatchActivities } from '../../activities/types.js';
import { ERR } from '../../src/domain/errors.js';
import { HOUR_MS, DAY_MS } from '../../src/domain/durations.js';
import type { Stage } from '../../src/domain/stages.js';
import { earliestSafeInfusion } from '../../src/domain/safe-infusion.js';
import { journeyInput, stateThrough } from './forecast-fixtures.js';

/** One test's own world: sites with the capacity it asked for, a product without history, fresh batches. */
export interface ContractWorld {
  activities: BatchActivities;
  sites: { apheresis: string; facility: string; infusion: string };
  /** A copy of `autologous-cd19-fresh` under its own id, so no other batch has history for it. */
  productId: string;
  newBatch(): Promise<string>;
  /** Read back what was stored. */
  shipment(shipmentId: string): Promise<{ state: string; at: string | null } | undefined>;
  alertsStored(key: string): Promise<number>;
  stageOf(batchId: string): Promise<Stage | undefined>;
}

/** Capacity of the test's own sites, and the treatment centre's IANA time zone (UTC unless given). */
export type ContractSetup = (capacity: { chairs: number; lines: number; timeZone?: string }) => Promise<ContractWorld>;

/** Two calls with the same input: the Temporal retry after a lost response. */
async function twice<T>(call: () => Promise<T>): Promise<[T, T]> {
  return [await call(), await call()];
}

const refused = (type: string) => expect.objectContaining({ type, nonRetryable: true });
const actor = { name: 'A. Nurse', role: 'apheresis nurse' };
const day = (n: number) => new Date(Date.parse('2026-05-01T00:00:00.000Z') + n * DAY_MS).toISOString();
const oneChairOneLine = { chairs: 1, lines: 1 };

/**
 * The observable behaviour of every batch activity, run against the PostgreSQL activities
 * (batch-activities.int.test.ts) and against the in-memory double the workflow tests use
 * (in-memory-activities.test.ts), so the double cannot prove something V2V does not do.
 */
export function describeBatchActivitiesContract(name: string, setup: ContractSetup) {
  describe(`${name}: the batch activities' contract`, () => {
    it('appends a custody record once per key, numbered and hash-chained per batch', async () => {
      const { activities, newBatch } = await setup(oneChairOneLine);
      const [a, b] = [await newBatch(), await newBatch()];
      const input = { key: `${a}:custody:1`, batchId: a, kind: 'handoff', step: 'collection', actor, location: 'Bay 2', meaning: 'collected', data: { din: 'W123426000123' }, occurredAt: '2026-03-01T08:00:00Z' };
      const [first, retried] = await twice(() => activities.appendCustodyRecord(input));
      expect(retried).toEqual(first);
      // The hash covers the server's recording time, so it is checked for shape here and recomputed by the audit tests.
      expect(first).toEqual({ seq: 1, hash: expect.stringMatching(/^[0-9a-f]{64}$/) });

      const next = { ...input, key: `${a}:custody:2`, step: 'outbound-pickup' };
      const second = await activities.appendCustodyRecord(next);
      expect(second).toEqual({ seq: 2, hash: expect.stringMatching(/^[0-9a-f]{64}$/) });
      expect(second.hash).not.toBe(first.hash);
      expect((await activities.appendCustodyRecord({ ...input, key: `${b}:custody:1`, batchId: b })).seq).toBe(1);

      await expect(activities.appendCustodyRecord({ ...input, batchId: b })).rejects.toEqual(refused(ERR.VALIDATION));
      await expect(activities.appendCustodyRecord({ ...input, key: `${a}:custody:3`, occurredAt: 'yesterday' })).rejects.toEqual(refused(ERR.VALIDATION));
    });

    it('fails at once, as nonRetryable ERR_UNPROCESSABLE, when the database refuses the data for good (a NUL in text)', async () => {
      const { activities, newBatch } = await setup(oneChairOneLine);
      const batchId = await newBatch();
      const input = { key: `${batchId}:custody:1`, batchId, kind: 'handoff', step: 'collection', actor, location: 'Bay\u00002', meaning: 'collected', occurredAt: '2026-03-01T08:00:00Z' };
      await expect(activities.appendCustodyRecord(input)).rejects.toEqual(refused(ERR.UNPROCESSABLE));
      await expect(activities.notify({ key: `${batchId}:alert:1`, batchId, severity: 'warning', kind: 'x', message: 'a\u0000b' })).rejects.toEqual(refused(ERR.UNPROCESSABLE));
      // Nothing half-written: the next record is the batch's first.
      expect((await activities.appendCustodyRecord({ ...input, location: 'Bay 2' })).seq).toBe(1);
    });

    it('records a stage change once per event id: a late retry does not undo a later change', async () => {
      const { activities, newBatch, productId, stageOf } = await setup(oneChairOneLine);
      const batchId = await newBatch();
      const change = (n: number, previous: Stage, stage: Stage) => ({ eventId: `${batchId}:stage:${n}`, batchId, coiId: 'COI-TEST', productId, previous, stage, at: day(n) });
      await twice(() => activities.recordStageChange(change(1, 'ORDERED', 'APHERESIS_SCHEDULED')));
      await activities.recordStageChange(change(2, 'APHERESIS_SCHEDULED', 'COLLECTED'));
      await activities.recordStageChange(change(1, 'ORDERED', 'APHERESIS_SCHEDULED'));
      expect(await stageOf(batchId)).toBe('COLLECTED');
    });

    it('reserves one slot per batch, on a free line of the facility, and refuses when every line is taken', async () => {
      const { activities, newBatch, sites } = await setup({ chairs: 1, lines: 2 });
      const [a, b, c] = [await newBatch(), await newBatch(), await newBatch()];
      const slot = { facilityId: sites.facility, from: day(0), to: day(11) };
      const [held, retried] = await twice(() => activities.reserveManufacturingSlot({ ...slot, batchId: a }));
      expect(retried).toEqual(held);
      expect(held.line).toBe('line-1');
      expect((await activities.reserveManufacturingSlot({ ...slot, batchId: b, from: day(5), to: day(15) })).line).toBe('line-2');

      await expect(activities.reserveManufacturingSlot({ ...slot, batchId: c, from: day(10), to: day(20) })).rejects.toEqual(refused(ERR.SLOT_TAKEN));
      expect((await activities.reserveManufacturingSlot({ ...slot, batchId: c, from: day(15), to: day(25) })).line).toBe('line-1');

      const d = await newBatch();
      await expect(activities.reserveManufacturingSlot({ ...slot, batchId: d, facilityId: 'nowhere' })).rejects.toEqual(refused(ERR.VALIDATION));
      await expect(activities.reserveManufacturingSlot({ ...slot, batchId: d, to: day(0) })).rejects.toEqual(refused(ERR.VALIDATION));
    });

    it('releases a slot once: its line is free again, and a second release changes nothing', async () => {
      const { activities, newBatch, sites } = await setup(oneChairOneLine);
      const [a, b] = [await newBatch(), await newBatch()];
      const slot = { facilityId: sites.facility, from: day(0), to: day(11) };
      await activities.reserveManufacturingSlot({ ...slot, batchId: a });
      await twice(() => activities.releaseManufacturingSlot({ batchId: a }));
      const taken = await activities.reserveManufacturingSlot({ ...slot, batchId: b });
      expect(taken.line).toBe('line-1');
      await activities.releaseManufacturingSlot({ batchId: a });
      expect(await activities.reserveManufacturingSlot({ ...slot, batchId: b })).toEqual(taken);
    });

    it("books a free chair among the site's chairs, and refuses a taken chair, a full day or an unknown chair", async () => {
      const { activities, newBatch, sites } = await setup({ chairs: 2, lines: 1 });
      const [a, b, c] = [await newBatch(), await newBatch(), await newBatch()];
      const booking = { siteId: sites.infusion, infusionDate: day(10), ldStart: day(5), timeScale: 1 };
      expect((await activities.bookInfusion({ ...booking, batchId: a })).chair).toBe('chair-1');
      expect((await activities.bookInfusion({ ...booking, batchId: b, infusionDate: new Date(Date.parse(day(10)) + 12 * HOUR_MS).toISOString() })).chair).toBe('chair-2');

      await expect(activities.bookInfusion({ ...booking, batchId: c })).rejects.toEqual(refused(ERR.SLOT_TAKEN));
      await expect(activities.bookInfusion({ ...booking, batchId: c, chair: 'chair-1' })).rejects.toEqual(refused(ERR.SLOT_TAKEN));
      await expect(activities.bookInfusion({ ...booking, batchId: c, chair: 'chair-3' })).rejects.toEqual(refused(ERR.VALIDATION));
      await expect(activities.bookInfusion({ ...booking, batchId: c, siteId: 'nowhere' })).rejects.toEqual(refused(ERR.VALIDATION));
      // Days are half-open: chair-1 is free again from the moment its booked day ends.
      expect((await activities.bookInfusion({ ...booking, batchId: c, infusionDate: day(11) })).chair).toBe('chair-1');
    });

    it('returns the same booking to a retry, replaces it on a move, and keeps it when the move is refused', async () => {
      const { activities, newBatch, sites } = await setup(oneChairOneLine);
      const [a, b] = [await newBatch(), await newBatch()];
      const booking = { siteId: sites.infusion, infusionDate: day(10), ldStart: day(5), timeScale: 1 };
      const [booked, retried] = await twice(() => activities.bookInfusion({ ...booking, batchId: a }));
      expect(retried).toEqual(booked);

      const moved = await activities.bookInfusion({ ...booking, batchId: a, infusionDate: day(12), ldStart: day(7) });
      expect(moved.bookingId).not.toBe(booked.bookingId);
      expect((await activities.bookInfusion({ ...booking, batchId: b })).chair).toBe('chair-1');

      await expect(activities.bookInfusion({ ...booking, batchId: a })).rejects.toEqual(refused(ERR.SLOT_TAKEN));
      expect(await activities.bookInfusion({ ...booking, batchId: a, infusionDate: day(12), ldStart: day(7) })).toEqual(moved);
    });

    it("holds a chair for one day of the batch's clock", async () => {
      const { activities, newBatch, sites } = await setup(oneChairOneLine);
      const [a, b] = [await newBatch(), await newBatch()];
      const compressed = { siteId: sites.infusion, ldStart: day(0), timeScale: 86_400 };
      const at = (ms: number) => new Date(Date.parse(day(1)) + ms).toISOString();
      await activities.bookInfusion({ ...compressed, batchId: a, infusionDate: at(0) });
      await expect(activities.bookInfusion({ ...compressed, batchId: b, infusionDate: at(999) })).rejects.toEqual(refused(ERR.SLOT_TAKEN));
      expect((await activities.bookInfusion({ ...compressed, batchId: b, infusionDate: at(1_000) })).chair).toBe('chair-1');
      await expect(activities.bookInfusion({ ...compressed, batchId: b, timeScale: 0, infusionDate: at(2_000) })).rejects.toEqual(
        expect.objectContaining({ type: ERR.VALIDATION, message: expect.stringContaining('timeScale') }),
      );
    });

    it("holds a chair on the real clock for the treatment centre's calendar day: 23 hours when its clocks go forward", async () => {
      const { activities, newBatch, sites } = await setup({ ...oneChairOneLine, timeZone: 'Europe/Paris' });
      const [a, b] = [await newBatch(), await newBatch()];
      const booking = { siteId: sites.infusion, ldStart: '2027-03-20T23:00:00.000Z', timeScale: 1 };
      // Local midnight of Sunday 28 March 2027 in Paris; the day ends at the next local midnight, 23 hours on.
      await activities.bookInfusion({ ...booking, batchId: a, infusionDate: '2027-03-27T23:00:00.000Z' });
      await expect(activities.bookInfusion({ ...booking, batchId: b, infusionDate: '2027-03-28T21:59:59.999Z' })).rejects.toEqual(
        expect.objectContaining({ type: ERR.SLOT_TAKEN, message: expect.stringContaining('2027-03-28 (Europe/Paris)') }),
      );
      expect((await activities.bookInfusion({ ...booking, batchId: b, infusionDate: '2027-03-28T22:00:00.000Z' })).chair).toBe('chair-1');
    });

    it('cancels a booking once and frees its chair', async () => {
      const { activities, newBatch, sites } = await setup(oneChairOneLine);
      const [a, b] = [await newBatch(), await newBatch()];
      const booking = { siteId: sites.infusion, infusionDate: day(10), ldStart: day(5), timeScale: 1 };
      await activities.bookInfusion({ ...booking, batchId: a });
      await twice(() => activities.cancelInfusionBooking({ batchId: a }));
      expect((await activities.bookInfusion({ ...booking, batchId: b })).chair).toBe('chair-1');
      await activities.cancelInfusionBooking({ batchId: a });
      await expect(activities.bookInfusion({ ...booking, batchId: a })).rejects.toEqual(refused(ERR.SLOT_TAKEN));
    });

    it('creates, completes and cancels shipments once each', async () => {
      const { activities, newBatch, sites, shipment } = await setup(oneChairOneLine);
      const batchId = await newBatch();
      const outbound = { shipmentId: `${batchId}:outbound`, batchId, leg: 'outbound' as const, fromSiteId: sites.apheresis, toSiteId: sites.facility, departedAt: day(1), stabilityDeadline: day(3) };
      const inbound = { ...outbound, shipmentId: `${batchId}:return`, leg: 'return' as const, fromSiteId: sites.facility, toSiteId: sites.infusion, departedAt: day(20) };
      await twice(() => activities.createShipment(outbound));
      expect(await shipment(outbound.shipmentId)).toEqual({ state: 'in_transit', at: null });
      await twice(() => activities.completeShipment({ shipmentId: outbound.shipmentId, state: 'delivered', at: day(2) }));
      await activities.createShipment(inbound);
      await twice(() => activities.cancelOpenShipments({ batchId, at: day(21) }));
      await activities.completeShipment({ shipmentId: inbound.shipmentId, state: 'delivered', at: day(22) });

      expect(await shipment(outbound.shipmentId)).toEqual({ state: 'delivered', at: day(2) });
      expect(await shipment(inbound.shipmentId)).toEqual({ state: 'cancelled', at: day(21) });
      await expect(activities.completeShipment({ shipmentId: `${batchId}:unknown`, state: 'delivered', at: day(2) })).rejects.toEqual(refused(ERR.VALIDATION));
    });

    it('stores an alert once per key', async () => {
      const { activities, newBatch, alertsStored } = await setup(oneChairOneLine);
      const batchId = await newBatch();
      const alert = { key: `${batchId}:alert:1`, batchId, severity: 'critical' as const, kind: 'coi-mismatch', message: 'The scanned COI does not match the batch.' };
      await twice(() => activities.notify(alert));
      await activities.notify({ ...alert, message: 'said again' });
      expect(await alertsStored(alert.key)).toBe(1);
    });

    it('forecasts release and infusion-ready at a landmark, the same to a retry, and refuses a batch with nothing left to forecast', async () => {
      const { activities, newBatch, productId, sites } = await setup(oneChairOneLine);
      const input = journeyInput({ batchId: await newBatch(), productId, ...sites, timeScale: 24 });
      const state = stateThrough(input, day(0), [['APHERESIS_SCHEDULED', day(0)], ['COLLECTED', day(1)], ['OUTBOUND_TRANSIT', day(1)], ['RECEIVED_AT_FACILITY', day(2)], ['MANUFACTURING', day(2)]]);
      const [forecast, retried] = await twice(() => activities.forecastTurnaround({ state, at: day(2) }));
      expect(retried).toEqual(forecast);
      expect(forecast).toMatchObject({ stage: 'MANUFACTURING', at: day(2), atRisk: false });
      expect(['model', 'empirical-baseline', 'profile-nominal']).toContain(forecast.method);
      const { release, infusionReady } = forecast;
      expect([forecast.readyP10, forecast.readyP50, forecast.readyP90]).toEqual([release.p10, release.p50, release.p90]);
      for (const band of [release, infusionReady!]) {
        expect(Date.parse(band.p10)).toBeGreaterThanOrEqual(Date.parse(day(2)));
        expect(Date.parse(band.p10)).toBeLessThanOrEqual(Date.parse(band.p50));
        expect(Date.parse(band.p50)).toBeLessThanOrEqual(Date.parse(band.p90));
      }

      const received = stateThrough(input, day(0), [['RECEIVED_AT_SITE', day(9)]]);
      await expect(activities.forecastTurnaround({ state: received, at: day(9) })).rejects.toEqual(refused(ERR.VALIDATION));
      await expect(activities.forecastTurnaround({ state: { ...state, input: { ...input, timeScale: -1 } }, at: day(3) })).rejects.toEqual(refused(ERR.VALIDATION));
    });

    it('flags an infusion booking whose LD starts before P90 of infusion-ready, alerts once, and clears the flag when safe again', async () => {
      const { activities, newBatch, productId, sites, alertsStored } = await setup(oneChairOneLine);
      const input = journeyInput({ batchId: await newBatch(), productId, ...sites, timeScale: 24 });
      const released = stateThrough(input, day(0), [['RELEASED', day(10)]]);
      // LD already under way at release: the product cannot be at the site before it starts.
      const early = await activities.bookInfusion({ batchId: input.batchId, siteId: sites.infusion, infusionDate: day(11), ldStart: day(10), timeScale: 24 });
      const [flagged, retried] = await twice(() => activities.forecastTurnaround({ state: released, at: day(10) }));
      expect(retried).toEqual(flagged);
      const dayMs = DAY_MS / 24;
      const safeFrom = new Date(earliestSafeInfusion(Date.parse(flagged.infusionReady!.p90), input.profile, dayMs)).toISOString();
      expect(flagged).toMatchObject({ atRisk: true, safeFrom, release: { method: 'observed', p50: day(10) } });
      expect(await alertsStored(`${input.batchId}:landmark:${day(10)}:booking-at-risk:${early.bookingId}`)).toBe(1);

      // Moved to a day whose LD starts well after P90: the next landmark finds it safe.
      await activities.bookInfusion({ batchId: input.batchId, siteId: sites.infusion, infusionDate: day(40), ldStart: day(35), timeScale: 24 });
      const inTransit = stateThrough(input, day(0), [['RELEASED', day(10)], ['RETURN_TRANSIT', day(11)]]);
      const safe = await activities.forecastTurnaround({ state: inTransit, at: day(11) });
      expect(safe.atRisk).toBe(false);
      expect(safe.safeFrom).toBeUndefined();

      // Moved back before P90: judged against the latest forecast at once, without waiting for a landmark.
      const again = await activities.bookInfusion({ batchId: input.batchId, siteId: sites.infusion, infusionDate: day(12), ldStart: day(11), timeScale: 24 });
      expect(await alertsStored(`${input.batchId}:landmark:${day(11)}:booking-at-risk:${again.bookingId}`)).toBe(1);
    });
  });
}
