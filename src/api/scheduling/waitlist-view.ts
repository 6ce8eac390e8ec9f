import { installationCapacity } from '../../planning/waitlist/database-capacity.js';
import type { StoredPolicy } from '../../planning/waitlist/policy-store.js';
import { waitlistView } from '../../planning/waitlist/waitlist-view.js';
import type { Principal } from '../auth/principal.js';
import { siteFilter } from '../auth/route-access.js';
import type { ApiDeps } from '../deps.js';

export const policyView = (p: StoredPolicy) => ({
  id: p.rowId, policy: p.policy, active: p.active, createdBy: p.createdBy, createdAt: p.createdAt.toISOString(), activatedAt: p.activatedAt?.toISOString() ?? null,
});

/**
 * The list as the caller may see it: a coordinator or an administrator sees every entry; anyone else
 * (a scheduler) only the entries of their own treatment centres — but with the positions those hold
 * in the whole list, since that is what their patients' waits depend on.
 */
export async function visibleWaitlist(deps: Pick<ApiDeps, 'db' | 'config'>, principal: Principal, treatmentCenterId: string | undefined, now: Date) {
  const view = await waitlistView(deps.db, installationCapacity(deps.config), now);
  const mine = principal.role === 'coordinator' ? undefined : siteFilter(principal);
  const shown = view.ranked.filter(({ entry }) =>
    (mine === undefined || mine.includes(entry.treatmentCenterId)) && (treatmentCenterId === undefined || entry.treatmentCenterId === treatmentCenterId));
  return {
    policy: { id: view.policy.rowId, policyId: view.policy.policy.id, version: view.policy.policy.version },
    total: view.ranked.length,
    entries: shown.map(({ entry, rank, tier, waitedDays, expectedCollectionDay }) => ({
      batchId: entry.batchId, position: rank.position, weight: rank.weight, reasons: rank.reasons, rule: rank.rule, waitedDays, urgencyTier: tier,
      treatmentCenterId: entry.treatmentCenterId, apheresisCenterId: entry.apheresisCenterId, productId: entry.productId,
      enrolledAt: entry.enrolledAt.toISOString(), expectedCollectionDay,
    })),
  };
}
