import type { V2vApiClient } from '../api/client/index.js';
import { REFERENCE_BIOREACTORS } from '../db/seed.js';
import { expectOk } from './v2v-api.js';

/**
 * The reference facility's bioreactors are fed only by live mode's and the demo's sensor gateways
 * (no real unit stands behind them), so a maintenance ticket open on one was opened by an earlier
 * run's drifting-bioreactor story, and nobody will ever service it. Left open, it takes the unit's
 * line out of planning for every later run: the demo services those units, through the API as its
 * administrator, before its first patient. Other equipment, whoever's it is, is not touched.
 * Returns the units whose ticket was closed.
 */
export async function serviceReferenceBioreactors(admin: V2vApiClient): Promise<string[]> {
  const serviced: string[] = [];
  for (const { id } of REFERENCE_BIOREACTORS) {
    const unit = expectOk(`equipment ${id}`, await admin.GET('/v1/equipment/{id}', { params: { path: { id } } }));
    if (!unit.openTicket) continue;
    const done = expectOk(`service of ${id}`, await admin.POST('/v1/equipment/{id}/service', { params: { path: { id } }, body: {} }));
    if (done.closedTicket) serviced.push(id);
  }
  return serviced;
}
