import { eq } from 'drizzle-orm';
import { productProfiles } from '../../db/schema/index.js';
import { SCHEDULER_ACTOR } from '../../domain/batch/custody.js';
import { batchClock } from '../../domain/batch/journey.js';
import { isLocalDate, localDateOf } from '../../domain/calendar-day.js';
import type { Actor, BookingCommand } from '../../domain/commands.js';
import { resolveBookingDay } from '../../domain/ld-window.js';
import { productProfileSchema } from '../../domain/profile.js';
import { actorOf, type Principal } from '../auth/principal.js';
import type { BatchRow } from '../batch-workflow.js';
import type { ApiDeps } from '../deps.js';
import { ApiError } from '../errors.js';
import { ERR } from '../../domain/errors.js';
import { treatmentCentre } from './treatment-centre.js';

export interface BookingBody {
  infusionDate: string;
  chair?: string | undefined;
}

/** Who the custody trail names: the authenticated caller, or (before authentication is on) the scheduler. */
export const callerActor = (principal: Principal | undefined): Actor => (principal ? actorOf(principal) : SCHEDULER_ACTOR);

const DATE_ONLY = /^\d{4}-\d{2}-\d{2}$/;

/**
 * The booking Update's payload for a batch. On the real clock a booking is a calendar day at the
 * treatment centre: a date-only body is read in the site's time zone (an instant names the local day
 * it falls in), and the day and its LD course are resolved to instants here, at the edge, so the
 * workflow stays deterministic. On a compressed clock (the demo) an instant is kept as it is.
 */
export async function bookingPayload(deps: ApiDeps, batch: BatchRow, body: BookingBody, actor: Actor): Promise<BookingCommand> {
  const dateOnly = DATE_ONLY.test(body.infusionDate);
  if (dateOnly && !isLocalDate(body.infusionDate)) {
    const message = `infusionDate "${body.infusionDate}" is not a calendar date (YYYY-MM-DD).`;
    throw new ApiError(400, ERR.VALIDATION, message, [{ in: 'body', path: ['infusionDate'], code: 'invalid_date', message }]);
  }
  if (!batchClock(batch).realTime) return { ...body, actor };

  const site = await treatmentCentre(deps, batch.treatmentCenterId, { in: 'body', path: ['infusionDate'] });
  const date = dateOnly ? body.infusionDate : localDateOf(Date.parse(body.infusionDate), site.timeZone);
  const [product] = await deps.db.select({ profile: productProfiles.profile }).from(productProfiles).where(eq(productProfiles.id, batch.productId));
  if (!product) throw new ApiError(422, ERR.VALIDATION, `The batch's product ${batch.productId} no longer exists.`);
  const day = resolveBookingDay(date, site.timeZone, productProfileSchema.parse(product.profile));
  return { ...body, infusionDate: date, day, actor };
}
