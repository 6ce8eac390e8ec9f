import { eq } from 'drizzle-orm';
import { sites } from '../../db/schema/index.js';
import { isTimeZone } from '../../domain/calendar-day.js';
import { ERR } from '../../domain/errors.js';
import type { ApiDeps } from '../deps.js';
import { ApiError, notFound } from '../errors.js';

export interface TreatmentCentre {
  id: string;
  chairs: number;
  /** IANA zone its calendar days are counted in. */
  timeZone: string;
}

/** A treatment centre's chairs and time zone; another kind of site, or a zone the runtime does not know, is a clear 422. */
export async function treatmentCentre(deps: Pick<ApiDeps, 'db'>, siteId: string, field: { in: 'params' | 'body'; path: string[] }): Promise<TreatmentCentre> {
  const [site] = await deps.db
    .select({ id: sites.id, kind: sites.kind, chairs: sites.infusionChairs, timeZone: sites.timezone })
    .from(sites)
    .where(eq(sites.id, siteId));
  if (!site) throw notFound(`No site ${siteId}.`);
  if (site.kind !== 'treatment_center') {
    const message = `Site "${siteId}" is a ${site.kind}; infusion chairs belong to treatment centres.`;
    throw new ApiError(422, ERR.VALIDATION, message, [{ ...field, code: 'invalid_reference', message }]);
  }
  if (!isTimeZone(site.timeZone)) {
    const message = `Site "${siteId}" has time zone "${site.timeZone}", which is not an IANA time zone (e.g. Europe/Paris): its calendar days cannot be counted.`;
    throw new ApiError(422, ERR.VALIDATION, message, [{ ...field, code: 'invalid_time_zone', message }]);
  }
  return { id: site.id, chairs: site.chairs, timeZone: site.timeZone };
}
