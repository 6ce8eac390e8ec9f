import { eq } from 'drizzle-orm';
import { productProfiles } from '../../db/schema/index.js';
import { batchClock, BOOKABLE_STAGES } from '../../domain/batch/journey.js';
import type { BatchOutlook } from '../../domain/infusion-feasibility.js';
import { infusionWindow } from '../../domain/ld-window.js';
import { productProfileSchema, type ProductProfile } from '../../domain/profile.js';
import { stageBefore, type Stage } from '../../domain/stages.js';
import type { BatchStatus } from '../../../workflows/messages.js';
import { queryStatus, requireBatch } from '../batch-workflow.js';
import type { ApiDeps } from '../deps.js';

/** A batch as the scheduler's calendar sees it: what the workflow says now, and the rules it books by. */
export interface BatchView {
  batchId: string;
  profile: ProductProfile;
  timeScale: number;
  dayMs: number;
  status: BatchStatus | null;
  /** The window the workflow awaits a booking in (RECEIVED_AT_SITE), as its status says. */
  awaitedWindow: { earliest: string; latest: string } | null;
  outlook: BatchOutlook;
}

/** When the batch last entered a stage, from its timeline. */
const enteredAt = (status: BatchStatus, stage: Stage) => [...status.timeline].reverse().find((t) => t.event === 'stage' && t.stage === stage)?.at;

export async function batchView(deps: ApiDeps, batchId: string, now: number): Promise<BatchView> {
  const row = await requireBatch(deps, batchId);
  const [product] = await deps.db.select({ profile: productProfiles.profile }).from(productProfiles).where(eq(productProfiles.id, row.productId));
  // The product's current rule; the workflow books by the profile the batch was enrolled with, the same unless it was revised since.
  const profile = productProfileSchema.parse(product!.profile);
  const status = await queryStatus(deps, batchId);
  const clock = batchClock(row);
  const awaited = status?.awaiting?.kind === 'infusion-booking' ? { earliest: status.awaiting.earliest, latest: status.awaiting.latest } : null;
  return { batchId, profile, timeScale: row.timeScale, dayMs: clock.dayMs, status, awaitedWindow: awaited, outlook: outlookOf(status, awaited, profile, clock, now) };
}

function outlookOf(status: BatchStatus | null, awaited: BatchView['awaitedWindow'], profile: ProductProfile, clock: ReturnType<typeof batchClock>, now: number): BatchOutlook {
  if (!status) return { notBookable: 'The batch has ended: its workflow is closed.' };
  const { stage } = status;
  const { dayMs } = clock;
  const receivedAt = enteredAt(status, 'RECEIVED_AT_SITE');
  const window = awaited
    ? { earliest: Date.parse(awaited.earliest), latest: Date.parse(awaited.latest) }
    : infusionWindow({ now, receivedAt: receivedAt === undefined ? undefined : Date.parse(receivedAt), profile, dayMs });
  const outlook: BatchOutlook = { window };
  if (stage === 'ON_HOLD') outlook.notBookable = 'The batch is on hold until QA assesses its open excursion or deviation.';
  else if (!BOOKABLE_STAGES.includes(stage)) outlook.notBookable = `An infusion can be booked once the product is released; the batch is ${stage}.`;

  // Until the product is at the site: the forecast's P90 and, once released, the release plus the
  // return leg's nominal transit; the later of the two, so a day offered is safe by both. A
  // cancelled batch keeps the bounds it had, beside the outlook's "not bookable".
  if (!stageBefore(stage, 'RECEIVED_AT_SITE') && stage !== 'CANCELLED') return outlook;
  const p90 = status.forecast?.infusionReady?.p90;
  const releasedAt = enteredAt(status, 'RELEASED');
  const bounds = [
    ...(p90 ? [{ at: Date.parse(p90), basis: 'forecast-p90' as const }] : []),
    ...(releasedAt ? [{ at: Date.parse(releasedAt) + clock.hours(profile.legs.return.nominalHours), basis: 'release-plus-transit' as const }] : []),
  ];
  if (bounds.length > 0) outlook.readyBy = bounds.reduce((a, b) => (b.at > a.at ? b : a));
  return outlook;
}
