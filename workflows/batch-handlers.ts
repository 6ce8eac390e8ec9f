import { ActivityFailure, ApplicationFailure, condition, setHandler } from '@temporalio/workflow';
import type { z } from 'zod';
import { assessmentSchema, bookingSchema, cancelSchema, handoffSchema, qaDispositionSchema } from '../src/domain/commands.js';
import { ERR } from '../src/domain/errors.js';
import { STAGE_AFTER_HANDOFF, verifyScan } from '../src/domain/handoff.js';
import { checkBooking } from '../src/domain/ld-window.js';
import { activities } from './activities-proxy.js';
import { assertNotEnded, fail, type BatchState } from './batch-state.js';
import { nowIso } from './clock.js';
import {
  assessmentUpdate,
  bookingUpdate,
  cancelBookingUpdate,
  cancelUpdate,
  handoffUpdate,
  qaDispositionUpdate,
  statusQuery,
} from './messages.js';
import type { Stage } from '../src/domain/stages.js';

/** Validators run before anything reaches history: a refused command leaves no trace there. */
function parse<S extends z.ZodType>(schema: S, value: unknown): z.infer<S> {
  const parsed = schema.safeParse(value);
  if (!parsed.success) {
    const issues = parsed.error.issues.map((i) => `${i.path.join('.') || 'body'}: ${i.message}`);
    fail(ERR.VALIDATION, issues.join('; '));
  }
  return parsed.data;
}

function assertNotOnHold(b: BatchState) {
  if (b.stage === 'ON_HOLD') fail(ERR.ON_HOLD, 'The batch is on hold until QA assesses its open excursion or deviation.');
}

/** A refusal raised by an activity (a taken chair) reaches the caller with its own type and message. */
function failWithCause(err: unknown): never {
  if (err instanceof ActivityFailure && err.cause instanceof ApplicationFailure) throw err.cause;
  throw err;
}

const BOOKABLE: readonly Stage[] = ['RELEASED', 'RETURN_TRANSIT', 'RECEIVED_AT_SITE', 'INFUSION_SCHEDULED'];

/** Queries and updates: what people and partner systems ask of a batch, each refused early when it cannot apply. */
export function registerBatchHandlers(b: BatchState) {
  const { batchId } = b.input;
  setHandler(statusQuery, () => b.status());

  setHandler(
    handoffUpdate,
    async (scan) => {
      // A well-formed scan of the wrong bag is accepted into history on purpose, so that the
      // deviation is recorded durably before the update fails.
      const expected = b.awaiting?.kind === 'handoff' ? b.awaiting.step : undefined;
      if (expected !== scan.step || b.scans.has(scan.step)) fail(ERR.OUT_OF_TURN, `The ${scan.step} scan is not expected now.`);
      const verdict = verifyScan({ coiId: b.input.coiId, din: b.din }, scan);
      const occurredAt = scan.at ?? nowIso();
      if (!verdict.ok) {
        const id = `deviation:${b.custodyKey()}`;
        b.issues.push({ id, kind: 'deviation', reason: `${scan.step} scan refused: ${verdict.code}`, blocking: false, openedAt: occurredAt, state: 'open' });
        b.note('deviation', `${scan.step}: ${verdict.code}`);
        await activities.appendCustodyRecord({
          key: id, batchId, kind: 'deviation', step: scan.step, actor: scan.actor, location: scan.location,
          meaning: 'identity check failed: material not accepted', data: { code: verdict.code }, occurredAt,
        });
        await b.alert('critical', 'coi-mismatch', `${scan.step} scan refused (${verdict.code}) at ${scan.location}`);
        fail(verdict.code, verdict.message);
      }
      if (scan.step === 'collection') b.din = verdict.din;
      await activities.appendCustodyRecord({
        key: b.custodyKey(), batchId, kind: 'handoff', step: scan.step, actor: scan.actor, location: scan.location,
        meaning: 'custody transferred; identity verified', data: { coiId: b.input.coiId, din: verdict.din }, occurredAt,
      });
      b.scans.set(scan.step, scan);
      // Answer once the journey has moved on, so the caller's next status read already shows what comes next.
      const stillAwaited = () => b.awaiting?.kind === 'handoff' && b.awaiting.step === scan.step;
      await condition(() => (b.stage === STAGE_AFTER_HANDOFF[scan.step] && !stillAwaited()) || b.stage === 'ON_HOLD' || b.ended);
      return { stage: b.stage };
    },
    {
      validator: (scan) => {
        parse(handoffSchema, scan);
        assertNotEnded(b);
        assertNotOnHold(b);
        const expected = b.awaiting?.kind === 'handoff' ? b.awaiting.step : undefined;
        if (expected !== scan.step) {
          fail(ERR.OUT_OF_TURN, `The batch is not waiting for a ${scan.step} scan${expected ? ` (it waits for ${expected})` : ''}.`);
        }
      },
    },
  );

  setHandler(
    qaDispositionUpdate,
    async (decision) => {
      await activities.appendCustodyRecord({
        key: b.custodyKey(), batchId, kind: 'qa-disposition', actor: decision.signer, meaning: decision.meaning,
        data: { decision: decision.decision, ...(decision.reason ? { reason: decision.reason } : {}) }, occurredAt: nowIso(),
      });
      b.qaDecision = decision;
      await condition(() => b.awaiting?.kind !== 'qa-disposition' || b.ended);
      return { stage: b.stage };
    },
    {
      validator: (decision) => {
        parse(qaDispositionSchema, decision);
        assertNotEnded(b);
        if (b.awaiting?.kind !== 'qa-disposition' || b.qaDecision) fail(ERR.OUT_OF_TURN, 'The batch is not awaiting a QA disposition.');
        if (decision.decision === 'release' && b.quarantined) {
          fail(ERR.NOT_ALLOWED, 'The batch is quarantined or out of specification: only a conditional release or a rejection is possible.');
        }
      },
    },
  );

  setHandler(
    assessmentUpdate,
    async (assessment) => {
      const issue = b.issues.find((i) => i.id === assessment.excursionId)!;
      const at = nowIso();
      await activities.appendCustodyRecord({
        key: b.custodyKey(), batchId, kind: 'excursion-assessment', actor: assessment.signer, meaning: assessment.meaning,
        data: { issueId: issue.id, issueKind: issue.kind, impact: assessment.impact }, occurredAt: at,
      });
      issue.assessment = { impact: assessment.impact, signer: assessment.signer, at };
      // A deviation is settled by its assessment; an excursion also has to be over.
      if (issue.kind !== 'excursion' || issue.closedAt) issue.state = 'closed';
      if (assessment.impact === 'quarantine') b.quarantined = true;
      // Let the journey leave ON_HOLD (or fail the batch) before answering.
      await condition(() => (b.stage !== 'ON_HOLD' && b.awaiting?.kind !== 'excursion-assessment') || b.needsHold() || b.ended);
      return { stage: b.stage };
    },
    {
      validator: (assessment) => {
        parse(assessmentSchema, assessment);
        assertNotEnded(b);
        const issue = b.issues.find((i) => i.id === assessment.excursionId);
        if (!issue || issue.assessment || issue.kind === 'telemetry_gap') {
          fail(ERR.UNKNOWN_ISSUE, `No open excursion or deviation ${assessment.excursionId} awaits assessment on this batch.`);
        }
      },
    },
  );

  setHandler(
    bookingUpdate,
    async (request) => {
      const infusionAt = Date.parse(request.infusionDate);
      const verdict = checkBooking({ infusionAt, now: Date.now(), receivedAt: b.receivedAtSite, profile: b.input.profile, dayMs: b.dayMs });
      if (!verdict.ok) fail(ERR.BOOKING_OUTSIDE_WINDOW, verdict.reason);
      const key = b.custodyKey();
      const infusionDate = new Date(infusionAt).toISOString();
      const ldStart = new Date(verdict.ldStart).toISOString();
      const booked = await activities
        .bookInfusion({ batchId, siteId: b.input.treatmentCenterId, infusionDate, ldStart, chair: request.chair, timeScale: b.input.timeScale })
        .catch(failWithCause);
      b.booking = { infusionDate, ldStart, ldEnd: new Date(verdict.ldEnd).toISOString(), chair: booked.chair };
      b.bookingVersion++;
      await activities.appendCustodyRecord({
        key, batchId, kind: 'infusion-booking', actor: { name: 'hospital scheduler (unauthenticated API)', role: 'scheduler' },
        meaning: 'infusion booked', data: { ...b.booking }, occurredAt: nowIso(),
      });
      b.note('infusion-booked', infusionDate);
      const booking = b.booking;
      await condition(() => b.awaiting?.kind !== 'infusion-booking' || b.ended);
      return booking;
    },
    {
      validator: (request) => {
        parse(bookingSchema, request);
        assertNotEnded(b);
        assertNotOnHold(b);
        if (!BOOKABLE.includes(b.stage)) fail(ERR.OUT_OF_TURN, `An infusion can be booked once the product is released; the batch is ${b.stage}.`);
        const verdict = checkBooking({ infusionAt: Date.parse(request.infusionDate), now: Date.now(), receivedAt: b.receivedAtSite, profile: b.input.profile, dayMs: b.dayMs });
        if (!verdict.ok) fail(ERR.BOOKING_OUTSIDE_WINDOW, verdict.reason);
      },
    },
  );

  setHandler(
    cancelBookingUpdate,
    async () => {
      await activities.cancelInfusionBooking({ batchId });
      b.booking = undefined;
      b.bookingVersion++;
      b.note('infusion-booking-cancelled');
      return { stage: b.stage };
    },
    {
      validator: () => {
        assertNotEnded(b);
        if (!b.booking || b.stage === 'INFUSED') fail(ERR.NOT_ALLOWED, 'The batch has no infusion booking to cancel.');
      },
    },
  );

  setHandler(
    cancelUpdate,
    async (command) => {
      await activities.appendCustodyRecord({
        key: b.custodyKey(), batchId, kind: 'cancellation', actor: command.actor, meaning: 'batch withdrawn', data: { reason: command.reason }, occurredAt: nowIso(),
      });
      b.cancel = command;
      await condition(() => b.stage === 'CANCELLED');
      return { stage: b.stage };
    },
    {
      validator: (command) => {
        parse(cancelSchema, command);
        assertNotEnded(b);
        if (b.stage === 'INFUSED' || b.cancel) fail(ERR.NOT_ALLOWED, `The batch cannot be cancelled now (${b.stage}).`);
      },
    },
  );
}
