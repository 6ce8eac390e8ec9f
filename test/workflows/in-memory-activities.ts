import { randomUUID } from 'node:crypto';
import { inMemoryChains } from './in-memory-chains.js';
import { failUncurableAtOnce, invalidInput, parseInstant, requireTimeScale, slotTaken } from '../../activities/failures.js';
import { custodyContent } from '../../activities/custody.js';
import { heldDay } from '../../activities/held-day.js';
import { baselineFromSamples } from '../../activities/forecast-baseline.js';
import { forecastOf, forecastTargets, stageEnteredAt } from '../../activities/forecast-shape.js';
import { landmarkKey } from '../../src/forecast/features/index.js';
import type { BatchActivities, CustodyRecordInput, StageChangeInput } from '../../activities/types.js';
import type { infusionBookings, manufacturingSlots, shipments as shipmentRows, sites as siteRows } from '../../src/db/schema/index.js';
import { REFERENCE_SITES } from '../../src/db/seed.js';
import { custodyHash } from '../../src/domain/custody-chain.js';
import { type ProductProfile } from '../../src/domain/profile.js';
import { DAY_MS } from '../../src/domain/durations.js';
import { productAtSite, type Stage } from '../../src/domain/stages.js';
import type { Forecast } from '../../src/domain/batch/index.js';
import { bookingRisk } from '../../src/domain/safe-infusion.js';
import { batchClock, type JourneyInput } from '../../src/domain/batch/index.js';

type Site = Pick<typeof siteRows.$inferSelect, 'id' | 'infusionChairs' | 'manufacturingLines'> & Partial<Pick<typeof siteRows.$inferSelect, 'timezone'>>;
type Shipment = Pick<typeof shipmentRows.$inferSelect, 'batchId' | 'leg' | 'state'> & { at: string | null };
/** A reserved line or a booked chair: a resource held over [from, to), like the tstzrange columns. */
interface Hold<State> {
  id: string;
  batchId: string;
  siteId: string;
  resource: string;
  from: number;
  to: number;
  state: State;
}
type Slot = Hold<(typeof manufacturingSlots.$inferSelect)['state']>;
type Booking = Hold<(typeof infusionBookings.$inferSelect)['state']> & { ldStart: number; atRisk: boolean };

const OPEN: readonly Shipment['state'][] = ['planned', 'in_transit'];
const overlaps = (a: { from: number; to: number }, b: { from: number; to: number }) => a.from < b.to && b.from < a.to;

/**
 * A test double of the batch activities, kept to the same contract as the PostgreSQL ones by
 * test/activities/batch-activities-contract.ts: the same refusals (with the same error types), slots
 * and chairs taken over time ranges of the sites' own capacities, the same idempotency by key or by
 * batch. It knows the sites it is seeded with (by default the reference data of `v2v migrate`),
 * no batch history and no model, so its forecasts are the profile's nominal ones.
 */
export function inMemoryActivities(
  seed: {
    sites?: readonly Site[];
    /** Not read any more: a forecast takes the product's profile from the batch's own state. */
    products?: readonly ProductProfile[];
  } = {},
) {
  const sites = new Map((seed.sites ?? REFERENCE_SITES).map((s) => [s.id, s]));
  const custody = new Map<string, CustodyRecordInput & { seq: number; hash: string }>();
  const stageChanges = new Map<string, StageChangeInput>();
  const stages = new Map<string, Stage>();
  const slots: Slot[] = [];
  const bookings: Booking[] = [];
  const shipments = new Map<string, Shipment>();
  const alerts = new Map<string, { batchId: string; kind: string; severity: string; message: string }>();
  const forecasts = new Map<string, Awaited<ReturnType<BatchActivities['forecastTurnaround']>>>();
  const refusalsFor = new Map<string, number>();
  const chains = inMemoryChains();

  /** The batch's latest landmark: its key, the forecast made there and the batch's input then. */
  const landmarksOf = new Map<string, { key: string; forecast: Forecast; input: JourneyInput }>();

  /** The same rule and alert key as activities/forecast-risk.ts, on the double's bookings. */
  const judgeBooking = (input: JourneyInput, readyP90: number | undefined, landmark: string) => {
    const booking = bookings.find((b) => b.batchId === input.batchId && b.state === 'active');
    if (!booking) return { atRisk: false };
    const risk = readyP90 === undefined ? undefined : bookingRisk({ readyP90, ldStart: booking.ldStart, profile: input.profile, dayMs: batchClock(input).dayMs });
    const safeFrom = risk?.atRisk ? new Date(risk.safeFrom).toISOString() : undefined;
    if (safeFrom && !booking.atRisk) alerts.set(`${landmark}:booking-at-risk:${booking.id}`, { batchId: input.batchId, kind: 'booking-at-risk', severity: 'warning', message: 'booking at risk' });
    booking.atRisk = safeFrom !== undefined;
    return safeFrom ? { atRisk: true, safeFrom } : { atRisk: false };
  };
  /** A new or moved booking, judged against the latest forecast; nothing is at risk once the product is at the site. */
  const judgeNewBooking = (batchId: string) => {
    const latest = landmarksOf.get(batchId);
    if (!latest) return;
    const stage = stages.get(batchId);
    const atSite = stage !== undefined && productAtSite(stage);
    judgeBooking(latest.input, atSite ? undefined : Date.parse(latest.forecast.infusionReady!.p90), latest.key);
  };

  const site = (id: string) => sites.get(id) ?? failWith(invalidInput(`Site ${id} does not exist.`));
  /** The first resource of `candidates` that no hold in `held` (but `except`) has over the range. */
  const free = (held: Hold<unknown>[], where: Omit<Hold<unknown>, 'id' | 'batchId' | 'state' | 'resource'>, candidates: string[], except?: Hold<unknown>) =>
    candidates.find((resource) => !held.some((h) => h !== except && h.siteId === where.siteId && h.resource === resource && overlaps(h, where)));

  const activities: BatchActivities = {
    ...chains.activities,
    async appendCustodyRecord(input) {
      parseInstant(input.occurredAt, 'occurredAt');
      const existing = custody.get(input.key);
      if (existing && existing.batchId !== input.batchId) throw invalidInput(`Custody record key ${input.key} already belongs to another batch.`);
      if (existing) return { seq: existing.seq, hash: existing.hash };
      const record = custodyContent(input, [...custody.values()].filter((r) => r.batchId === input.batchId).at(-1), new Date());
      const hash = custodyHash(record);
      custody.set(input.key, { ...input, seq: record.seq, hash });
      return { seq: record.seq, hash };
    },
    async recordStageChange(input) {
      parseInstant(input.at, 'at');
      if (stageChanges.has(input.eventId)) return;
      stageChanges.set(input.eventId, input);
      stages.set(input.batchId, input.stage);
    },
    async reserveManufacturingSlot({ batchId, facilityId, from, to }) {
      const range = { siteId: facilityId, from: parseInstant(from, 'from').getTime(), to: parseInstant(to, 'to').getTime() };
      if (range.to <= range.from) throw invalidInput(`A manufacturing slot must end after it starts (${from} → ${to}).`);
      const held = slots.find((s) => s.batchId === batchId && s.state === 'reserved');
      if (held) return { slotId: held.id, line: held.resource };
      const lines = Array.from({ length: site(facilityId).manufacturingLines }, (_, i) => `line-${i + 1}`);
      const refusals = refusalsFor.get(batchId) ?? 0;
      refusalsFor.set(batchId, Math.max(0, refusals - 1));
      const line = refusals > 0 ? undefined : free(slots.filter((s) => s.state === 'reserved'), range, lines);
      if (!line) throw slotTaken(`No manufacturing line at ${facilityId} is free from ${from} to ${to}.`);
      const slot: Slot = { id: randomUUID(), batchId, resource: line, ...range, state: 'reserved' };
      slots.push(slot);
      return { slotId: slot.id, line };
    },
    async releaseManufacturingSlot({ batchId }) {
      for (const s of slots) if (s.batchId === batchId) s.state = 'released';
    },
    async createShipment({ shipmentId, batchId, leg, departedAt, stabilityDeadline }) {
      parseInstant(departedAt, 'departedAt');
      parseInstant(stabilityDeadline, 'stabilityDeadline');
      if (!shipments.has(shipmentId)) shipments.set(shipmentId, { batchId, leg, state: 'in_transit', at: null });
    },
    async completeShipment({ shipmentId, state, at }) {
      const when = parseInstant(at, 'at').toISOString();
      const shipment = shipments.get(shipmentId) ?? failWith(invalidInput(`Shipment ${shipmentId} does not exist.`));
      if (OPEN.includes(shipment.state)) Object.assign(shipment, { state, at: when });
    },
    async cancelOpenShipments({ batchId, at }) {
      const when = parseInstant(at, 'at').toISOString();
      for (const s of shipments.values()) if (s.batchId === batchId && OPEN.includes(s.state)) Object.assign(s, { state: 'cancelled', at: when });
    },
    async bookInfusion({ batchId, siteId, infusionDate, ldStart, chair, timeScale }) {
      requireTimeScale(timeScale);
      const start = parseInstant(infusionDate, 'infusionDate').getTime();
      const ld = parseInstant(ldStart, 'ldStart').getTime();
      const current = bookings.find((b) => b.batchId === batchId && b.state === 'active');
      if (current && current.siteId === siteId && current.from === start && (!chair || chair === current.resource)) return { bookingId: current.id, chair: current.resource };

      const centre = site(siteId);
      const day = heldDay(start, timeScale, centre.timezone ?? 'UTC');
      const chairs = Array.from({ length: centre.infusionChairs }, (_, i) => `chair-${i + 1}`);
      if (chair && !chairs.includes(chair)) throw invalidInput(`${siteId} has no ${chair} (it has ${chairs.join(', ')}).`);
      const range = { siteId, from: start, to: day.end };
      // The move replaces the current booking, so its chair does not stand in its way; a refused move keeps it.
      const found = free(bookings.filter((b) => b.state === 'active'), range, chair ? [chair] : chairs, current);
      if (!found) throw slotTaken(`${siteId} has no free infusion chair (${chair ?? `any of its ${chairs.length} chairs`}) on ${day.name}.`);
      if (current) current.state = 'cancelled';
      const booking: Booking = { id: randomUUID(), batchId, resource: found, ...range, state: 'active', ldStart: ld, atRisk: false };
      bookings.push(booking);
      judgeNewBooking(batchId);
      return { bookingId: booking.id, chair: found };
    },
    async cancelInfusionBooking({ batchId }) {
      for (const b of bookings) if (b.batchId === batchId) b.state = 'cancelled';
    },
    async notify({ key, batchId, kind, severity, message }) {
      if (!alerts.has(key)) alerts.set(key, { batchId, kind, severity, message });
    },
    async forecastTurnaround({ state, at }) {
      const when = parseInstant(at, 'at');
      requireTimeScale(state.input.timeScale);
      const ahead = forecastTargets(state);
      const key = landmarkKey(state.input.batchId, when);
      const earlier = forecasts.get(key);
      if (earlier) return earlier;
      // No model and no history: the profile's nominal baseline, as PostgreSQL gives a product without either.
      const elapsedMs = when.getTime() - stageEnteredAt(state);
      const { profile, timeScale } = state.input;
      const quantiles = ahead.map((target) => ({ target, ...baselineFromSamples({ profile, stage: state.stage, target, timeScale, elapsedMs, samplesMs: [] }) }));
      const p90 = quantiles.find((q) => q.target.name === 'infusion_ready_days')!.p90Ms + when.getTime();
      const forecast = forecastOf(state, when, quantiles, judgeBooking(state.input, p90, key));
      forecasts.set(key, forecast);
      const latest = landmarksOf.get(state.input.batchId);
      if (!latest || Date.parse(latest.forecast.at) <= when.getTime()) landmarksOf.set(state.input.batchId, { key, forecast, input: state.input });
      return forecast;
    },
  };

  /** Text the double refuses as PostgreSQL would: NUL always, and whatever a test marks as breaking a CHECK. */
  const refusedText: { marker?: string } = {};
  const asPostgres = <F extends (...args: never[]) => Promise<unknown>>(fn: F): F =>
    (async (...args: Parameters<F>) => {
      refuseAsPostgres(args, refusedText.marker);
      return fn(...args);
    }) as F;
  // Wrapped as the PostgreSQL activities are (activities/index.ts), so the double fails the same way.
  const refusing = failUncurableAtOnce(Object.fromEntries(Object.entries(activities).map(([name, fn]) => [name, asPostgres(fn)])) as unknown as BatchActivities);

  return {
    activities: refusing,
    custody,
    /** The slot chains' side: releases heard, re-plans asked, and the world's turns (a lost line, no chain left). */
    chains,
    stageChanges,
    shipments,
    alerts,
    /** The stage the batch's stage changes have brought it to. */
    stageOf: (batchId: string) => stages.get(batchId),
    /** The facility refuses this batch's slot `times` times before a line frees up. */
    fillFacility: (batchId: string, times: number) => refusalsFor.set(batchId, times),
    /** Someone else's booking holds `chair` for the (unscaled) day from `infusionDate`, at every site. */
    takeChair(chair: string, infusionDate: string) {
      const from = Date.parse(infusionDate);
      for (const siteId of sites.keys()) bookings.push({ id: randomUUID(), batchId: `someone-else`, siteId, resource: chair, from, to: from + DAY_MS, state: 'active', ldStart: from, atRisk: false });
    },
    /** From now on, any text holding `marker` breaks a CHECK constraint (SQLSTATE 23514), as a rule in the database would. */
    refuseText: (marker: string | undefined) => (refusedText.marker = marker),
    /** What a cancelled batch must not leave behind. */
    leftovers(batchId: string) {
      return {
        reservedSlots: slots.filter((s) => s.batchId === batchId && s.state === 'reserved').length,
        activeBookings: bookings.filter((b) => b.batchId === batchId && b.state === 'active').length,
        openShipments: [...shipments.values()].filter((s) => s.batchId === batchId && OPEN.includes(s.state)).length,
      };
    },
  };
}

/**
 * PostgreSQL refuses a NUL in text or jsonb (SQLSTATE 22021 / 22P05), and a row breaking a CHECK
 * (23514); the driver raises an Error carrying the SQLSTATE as `code`, which the double imitates.
 */
function refuseAsPostgres(value: unknown, marker: string | undefined): void {
  if (typeof value === 'string') {
    if (value.includes('\u0000')) throw Object.assign(new Error('invalid byte sequence for encoding "UTF8": 0x00'), { code: '22021' });
    if (marker !== undefined && value.includes(marker)) throw Object.assign(new Error('new row violates check constraint'), { code: '23514' });
  } else if (Array.isArray(value)) {
    for (const v of value) refuseAsPostgres(v, marker);
  } else if (value !== null && typeof value === 'object') {
    for (const [k, v] of Object.entries(value)) {
      refuseAsPostgres(k, marker);
      refuseAsPostgres(v, marker);
    }
  }
}

function failWith(failure: Error): never {
  throw failure;
}
