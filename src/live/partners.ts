import { randomUUID } from 'node:crypto';
import type { V2vApiClient } from '../api/client/index.js';
import { HANDOFF_REPORTERS, MILESTONE_REPORTERS, type Party } from '../domain/batch/reporters.js';
import type { HandoffStep, Milestone } from '../domain/commands.js';
import { isEndState } from '../domain/transitions.js';
import { at, type LiveIdentities } from './identities.js';
import { pollUntil, PollTimeout } from '../poll-until.js';
import { isNetworkError, isTransientStatus, readBatch, refusalCode, TRANSIENT_PATIENCE_MS, type Answer, type AwaitingStep, type BatchDetail } from './v2v-api.js';

/**
 * The partners behind the API: apheresis centre, couriers, manufacturing, QC, QA and the hospital
 * scheduler. They know nothing of the journey: each reads what a batch is `awaiting` and answers
 * it, as the real ones would, through the public HTTP API.
 */

/** A valid ISBT 128 donation identification number, as the apheresis centre assigns at collection. */
export const VALID_DIN = 'W123426000123';

/**
 * Who answers what for one batch, each through its own identity: the apheresis centre's
 * coordinator collects and reads the batch, the courier moves it, the facility's systems report
 * manufacturing and QC, QA signs with its password, the treatment centre receives, books and infuses.
 */
export interface BatchPartners {
  /** Whoever follows the batch's status (its apheresis centre's coordinator). */
  reader: V2vApiClient;
  handoff: (step: HandoffStep) => V2vApiClient;
  milestone: (milestone: Milestone) => V2vApiClient;
  qa: { api: V2vApiClient; signingPassword: string };
  scheduler: V2vApiClient;
}

/** The partners of a batch enrolled at these sites: each step is answered by the party the domain's table names. */
export function batchPartners(ids: LiveIdentities, sites: { apheresisCenterId: string; treatmentCenterId: string }): BatchPartners {
  const apheresis = at(ids.coordinators, sites.apheresisCenterId, 'coordinator').api;
  const byParty: Record<Party, V2vApiClient> = {
    'apheresis-centre': apheresis,
    courier: ids.courier.api,
    facility: ids.manufacturing.api,
    'qc-lab': ids.qcLab.api,
    qa: ids.qa.api,
    'treatment-centre': at(ids.coordinators, sites.treatmentCenterId, 'coordinator').api,
  };
  return {
    reader: apheresis,
    handoff: (step) => byParty[HANDOFF_REPORTERS[step].party],
    milestone: (m) => byParty[MILESTONE_REPORTERS[m].party],
    qa: { api: ids.qa.api, signingPassword: ids.qa.signingPassword },
    scheduler: at(ids.schedulers, sites.treatmentCenterId, 'scheduler').api,
  };
}

export interface PartnerOptions {
  /** Stop early, returning this status (the partners stand back). */
  stopAt?: (detail: BatchDetail) => boolean;
  /** When (real ms since the epoch) to answer a step, decided once when it is first awaited; at once by default. */
  answerAt?: (awaiting: AwaitingStep, detail: BatchDetail) => number;
  /** False while a partner is not ready to answer a due step yet (a receiver checking a logger's alarm). */
  mayAnswer?: (awaiting: AwaitingStep, detail: BatchDetail) => boolean | Promise<boolean>;
  /** Every status read, for narration and for the sensor gateways, which follow the shipments. */
  onStatus?: (detail: BatchDetail) => void | Promise<void>;
  /** What a partner system adds to a milestone it reports (the bioreactor a culture starts in). */
  milestoneData?: (milestone: Milestone) => Record<string, unknown> | undefined;
  /** After a step was answered and accepted. */
  onAnswered?: (awaiting: AwaitingStep, detail: BatchDetail) => void;
  /** After the coordinator withdrew a batch whose product can no longer be infused in its window. */
  onWithdrawn?: (detail: BatchDetail) => void;
  timeoutMs?: number;
  /** Stops answering (the run was interrupted): the loop throws the signal's reason at its next turn. */
  signal?: AbortSignal;
  /** How often the status is read while nothing is due (a Temporal query each time). */
  pollMs?: number;
  /**
   * How often the status is read while the batch waits for days, not moments: for a slot chain
   * (the waitlist), or for its collection day. The API's rate limit counts per identity, and a
   * site's coordinator reads for all of its waiting patients.
   */
  waitingPollMs?: number;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Refusals that mean the batch moved between reading `awaiting` and answering it (an excursion held
 * it, or a booking window slid): read it again and answer what it waits for now.
 */
// ERR_UNKNOWN_ISSUE: the excursion was assessed meanwhile (an earlier answer whose reply was lost).
// ERR_SLOT_TAKEN: every chair of the treatment centre is taken that day; the scheduler tries a
// later one, as the refusal asks (the date moves on with each refusal in a row, prepareAnswer).
const STALE = new Set(['ERR_ON_HOLD', 'ERR_OUT_OF_TURN', 'ERR_BOOKING_OUTSIDE_WINDOW', 'ERR_SLOT_TAKEN', 'ERR_UNKNOWN_ISSUE']);
const MAX_STALE_IN_A_ROW = 20;

/** One key per awaited step and attempt: a step that comes back after a hold keeps its time. */
export const stepKey = (detail: BatchDetail, a: AwaitingStep) =>
  `${detail.attempt}:${a.kind}:${a.kind === 'handoff' ? a.step : a.kind === 'milestone' ? a.milestone : a.kind === 'excursion-assessment' ? a.excursionId : ''}`;

/** Answers whatever the batch awaits until it ends (or `stopAt`); returns the final detail. */
export async function answerUntilDone(partners: BatchPartners, batchId: string, coiId: string, options: PartnerOptions = {}): Promise<BatchDetail> {
  const { stopAt, answerAt, mayAnswer, onStatus, onAnswered, onWithdrawn, milestoneData, signal, timeoutMs = 120_000, pollMs = 100, waitingPollMs = 500 } = options;
  const deadline = Date.now() + timeoutMs;
  const due = new Map<string, number>();
  let staleInARow = 0;
  /** Since when answers have met a passing failure (no answer, or a 5xx), if they do. */
  let failingSince: number | undefined;
  let resend: { key: string; send: PreparedAnswer } | undefined;
  while (Date.now() < deadline) {
    signal?.throwIfAborted();
    const detail = await readBatch(partners.reader, batchId);
    await onStatus?.(detail);
    const { awaiting } = detail;
    if (isEndState(detail.stage) || stopAt?.(detail)) return detail;
    // Nothing to answer yet: a held batch whose excursion QA has assessed but that is not over.
    if (!awaiting) {
      await sleep(pollMs);
      continue;
    }
    if (awaiting.kind === 'timer') {
      await sleep(Math.min(Math.max(Date.parse(awaiting.until) - Date.now(), 0) + 50, 1_000));
      continue;
    }
    // A slot chain comes from the allocator or a re-plan, not from a partner.
    if (awaiting.kind === 'chain') {
      await untilChainTold(partners.reader, batchId, { intervalMs: waitingPollMs, deadline, onStatus, signal });
      continue;
    }
    const key = stepKey(detail, awaiting);
    if (!due.has(key)) due.set(key, answerAt?.(awaiting, detail) ?? Date.now());
    const wait = due.get(key)! - Date.now();
    // Waiting in short naps, so a hold that comes meanwhile is seen and answered first.
    if (wait > 0 || (mayAnswer && !(await mayAnswer(awaiting, detail)))) {
      // Before collection no shipment can be held: the collection day is waited for at the slow pace.
      const nap = awaiting.kind === 'handoff' && awaiting.step === 'collection' ? waitingPollMs : 500;
      await sleep(Math.min(Math.max(wait, pollMs), nap));
      continue;
    }
    // A request that met a passing failure is sent again as it was, with its Idempotency-Key, while
    // the batch still awaits the same step: V2V applies it once and answers the retry as the first.
    const send = resend?.key === key ? resend.send : prepareAnswer(partners, detail, coiId, awaiting, milestoneData, staleInARow);
    resend = undefined;
    const res = await send().catch((err: unknown) => {
      if (isNetworkError(err)) return undefined;
      throw err;
    });
    // Then the batch is read again: a step that was applied meanwhile is no longer awaited, and the
    // journey refuses a step out of turn, so nothing is recorded twice.
    if (res === undefined || isTransientStatus(res.response.status)) {
      failingSince ??= Date.now();
      if (Date.now() - failingSince < TRANSIENT_PATIENCE_MS) {
        resend = { key, send };
        await sleep(250);
        continue;
      }
    }
    if (res === undefined) throw new Error(`batch ${batchId}: ${JSON.stringify(awaiting)} found no API process for ${TRANSIENT_PATIENCE_MS / 1000} s`);
    failingSince = undefined;
    const code = refusalCode(res);
    if (code !== undefined && STALE.has(code) && ++staleInARow <= MAX_STALE_IN_A_ROW) {
      await sleep(pollMs);
      continue;
    }
    if (!res.response.ok) throw new Error(`batch ${batchId}: ${JSON.stringify(awaiting)} answered ${res.response.status}: ${JSON.stringify(res.error)}`);
    staleInARow = 0;
    // Decided once, when the request was made: the window may close while a booking is under way.
    if (send.withdraws) onWithdrawn?.(detail);
    else onAnswered?.(awaiting, detail);
    // A milestone is a signal (202): the batch moves a moment later, so wait for it before reading again.
    if (awaiting.kind === 'milestone') await untilAwaitingChanges(partners.reader, batchId, detail, pollMs);
  }
  throw new Error(`batch ${batchId} did not finish in ${timeoutMs / 1000} s`);
}

/** A request ready to send (again, unchanged); `withdraws` when it cancels the batch instead of answering. */
type PreparedAnswer = (() => Promise<Answer>) & { withdraws?: boolean };

/**
 * The request that answers `awaiting`, made once and sent by the returned function (again, unchanged,
 * after a passing failure). Commands carry a fresh Idempotency-Key; a milestone is a signal, which
 * the journey takes once however often it comes.
 */
function prepareAnswer(partners: BatchPartners, detail: BatchDetail, coiId: string, awaiting: Exclude<AwaitingStep, { kind: 'timer' | 'chain' }>, milestoneData: PartnerOptions['milestoneData'], refusedBefore: number): PreparedAnswer {
  const path = { id: detail.batchId };
  const header = { 'idempotency-key': randomUUID() };
  const at = new Date().toISOString();
  const { api: qa, signingPassword } = partners.qa;
  switch (awaiting.kind) {
    case 'handoff':
      // No actor in the body: the token says who scans.
      return () => partners.handoff(awaiting.step).POST('/v1/batches/{id}/handoffs', {
        params: { path, header }, body: { step: awaiting.step, coiId, din: VALID_DIN, location: `${awaiting.step} point` },
      });
    case 'milestone': {
      const data = { ...(awaiting.milestone === 'qc-complete' ? { passed: true } : {}), ...milestoneData?.(awaiting.milestone) };
      return () => partners.milestone(awaiting.milestone).POST('/v1/batches/{id}/milestones', {
        params: { path }, body: { milestone: awaiting.milestone, at, source: 'partner system', ...(Object.keys(data).length > 0 ? { data } : {}) },
      });
    }
    case 'qa-disposition':
      // A quarantined batch can only be released conditionally, with the treating physician's acceptance.
      return () => qa.POST('/v1/batches/{id}/qa-disposition', {
        params: { path, header },
        body: detail.quarantined
          ? { decision: 'conditional-release', signingPassword, meaning: 'released on condition of physician acceptance', reason: 'quarantined after an assessed excursion' }
          : { decision: 'release', signingPassword, meaning: 'released for infusion' },
      });
    case 'excursion-assessment':
      return () => qa.POST('/v1/batches/{id}/excursions/{excursionId}/assessment', {
        params: { path: { ...path, excursionId: awaiting.excursionId }, header }, body: { impact: 'none', signingPassword, meaning: 'no impact on product quality' },
      });
    case 'infusion-booking': {
      // No infusion can be booked any more: the product's coordinator withdraws the batch, as a
      // treating site does with a product it can no longer give (V2V refuses every booking).
      if (windowClosed(awaiting)) {
        const body = { reason: `The product's infusion window closed (latest ${awaiting.latest}) before an infusion could be booked.` };
        return Object.assign(() => partners.reader.POST('/v1/batches/{id}/cancel', { params: { path, header }, body }), { withdraws: true });
      }
      // Half a second after the earliest, more after each refusal: on a compressed clock a busy
      // machine's request can take longer than the margin, and the window's start passes meanwhile.
      const body = { infusionDate: new Date(Math.max(Date.parse(awaiting.earliest), Date.now()) + 500 * (1 + refusedBefore)).toISOString() };
      return () => partners.scheduler.POST('/v1/batches/{id}/infusion-booking', { params: { path, header }, body });
    }
  }
}

/** The product must be infused by `latest`, and nothing can be infused before `earliest` (or now). */
function windowClosed(awaiting: Extract<AwaitingStep, { kind: 'infusion-booking' }>): boolean {
  return Date.parse(awaiting.latest) < Math.max(Date.parse(awaiting.earliest), Date.now());
}

/** A milestone's effect arrives a moment after the 202; on a busy machine it may take a while, after which the loop reads again anyway. */
async function untilAwaitingChanges(api: V2vApiClient, batchId: string, before: BatchDetail, pollMs: number) {
  const was = JSON.stringify(before.awaiting);
  await pollUntil(`batch ${batchId} to act on its milestone`, async () => JSON.stringify((await readBatch(api, batchId)).awaiting) !== was, {
    intervalMs: pollMs / 2,
    timeoutMs: 15_000,
  }).catch((err: unknown) => {
    if (!(err instanceof PollTimeout)) throw err;
  });
}

/** The batch waits for a slot chain (allocator or re-plan): reads at the slow pace until it has one; the caller reads again after. */
async function untilChainTold(api: V2vApiClient, batchId: string, o: { intervalMs: number; deadline: number; onStatus: PartnerOptions['onStatus']; signal: AbortSignal | undefined }) {
  await sleep(o.intervalMs);
  await pollUntil(
    `batch ${batchId} to get a slot chain`,
    async () => {
      o.signal?.throwIfAborted();
      const detail = await readBatch(api, batchId);
      await o.onStatus?.(detail);
      return detail.awaiting?.kind !== 'chain';
    },
    { intervalMs: o.intervalMs, timeoutMs: Math.max(o.deadline - Date.now(), 0) },
  ).catch((err: unknown) => {
    // Out of time: the caller's loop ends and says which batch did not finish.
    if (!(err instanceof PollTimeout)) throw err;
  });
}
