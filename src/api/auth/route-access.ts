import { REPORTING_ROLES } from '../../domain/batch/reporters.js';
import { MACHINE_ROLES, USER_ROLES, type Role } from '../../domain/roles.js';
import type { Principal } from './principal.js';

/**
 * Who may call each /v1 route, and which site the call is about: the one table of access control.
 * The key is Fastify's route (`METHOD /url`, as registered); a /v1 route missing here is refused to
 * everyone (fail closed), and a unit test checks that every registered route has its row.
 *
 * Site scope: a non-admin identity passes when one of its sites is one of the call's sites. admin
 * has no sites and passes every site check, but is not QA: only `qa` disposes of a batch or
 * assesses an excursion, because those are signatures of the quality unit.
 */
export const SITE_SCOPES = [
  /** Reference data, or an answer that holds nothing of any site. */
  'any',
  /** A listing: never refused for a site, but filtered to the identity's sites (siteFilter). */
  'list',
  /**
   * The batch of the path's `:id`: its apheresis centre, manufacturing facility and treatment
   * centre; for a scheduler, its treatment centre only (a scheduler books chairs there, nothing else).
   */
  'batch',
  /** The path's `:siteId`. */
  'path-site',
  /** The site of the equipment of the path's `:id`. */
  'equipment',
  /** An enrolment's body: its apheresis centre or its treatment centre. */
  'enrolment',
  /** The slot-chain query's centres: its treatment centre (for a scheduler, only that), or its apheresis centre. */
  'chain-query',
  /** A device registration's body: the bound equipment's site, or the sites of the shipment's batch. */
  'device-binding',
] as const;
export type SiteScope = (typeof SITE_SCOPES)[number];

export interface RouteRule {
  roles: readonly Role[];
  site: SiteScope;
}

const ANYONE = [...USER_ROLES, ...MACHINE_ROLES] as const;
/** Who follows a batch: people at its sites, and the partner systems working on it. */
const BATCH_READERS = ['coordinator', 'qa', 'admin', 'scheduler', ...MACHINE_ROLES] as const;

export const ROUTE_ACCESS: Readonly<Record<string, RouteRule>> = {
  'GET /v1/products': { roles: ANYONE, site: 'any' },
  'GET /v1/sites': { roles: ANYONE, site: 'any' },

  'POST /v1/batches': { roles: ['coordinator', 'admin'], site: 'enrolment' },
  'GET /v1/batches': { roles: BATCH_READERS, site: 'list' },
  'GET /v1/batches/:id': { roles: BATCH_READERS, site: 'batch' },
  'GET /v1/batches/:id/custody': { roles: BATCH_READERS, site: 'batch' },
  'GET /v1/batches/:id/forecasts': { roles: BATCH_READERS, site: 'batch' },

  // Every role that plays some party; which step or milestone each may report, and from which of
  // the batch's sites, is the domain's table (src/domain/batch/reporters.ts), checked in the route.
  'POST /v1/batches/:id/handoffs': { roles: REPORTING_ROLES, site: 'batch' },
  'POST /v1/batches/:id/milestones': { roles: REPORTING_ROLES, site: 'batch' },
  'POST /v1/batches/:id/cancel': { roles: ['coordinator', 'admin'], site: 'batch' },
  'POST /v1/batches/:id/qa-disposition': { roles: ['qa'], site: 'batch' },
  'POST /v1/batches/:id/excursions/:excursionId/assessment': { roles: ['qa'], site: 'batch' },

  'GET /v1/sites/:siteId/infusion-slots': { roles: ['scheduler', 'coordinator', 'admin'], site: 'path-site' },
  'POST /v1/batches/:id/infusion-booking': { roles: ['scheduler', 'coordinator', 'admin'], site: 'batch' },
  'DELETE /v1/batches/:id/infusion-booking': { roles: ['scheduler', 'coordinator', 'admin'], site: 'batch' },

  'GET /v1/slot-chains': { roles: ['scheduler', 'coordinator', 'admin'], site: 'chain-query' },
  'POST /v1/sites/:siteId/capacity-exceptions': { roles: ['coordinator', 'admin'], site: 'path-site' },
  'GET /v1/sites/:siteId/capacity-exceptions': { roles: ['coordinator', 'scheduler', 'admin'], site: 'path-site' },
  'GET /v1/sites/:siteId/capacity': { roles: ['coordinator', 'admin'], site: 'path-site' },
  'GET /v1/chain-replans': { roles: ['coordinator', 'scheduler', 'admin'], site: 'list' },

  'POST /v1/devices': { roles: ['gateway-admin', 'admin'], site: 'device-binding' },
  // A device moves between shipments and sites, and its detail holds no patient data: the roles
  // that install or follow sensors see any device, so a moved sensor can still be traced.
  'GET /v1/devices/:id': { roles: ['gateway-admin', 'coordinator', 'qa', 'admin'], site: 'any' },

  'GET /v1/excursions': { roles: ['coordinator', 'qa', 'admin'], site: 'list' },
  'GET /v1/equipment': { roles: ['coordinator', 'qa', 'gateway-admin', 'admin'], site: 'list' },
  'GET /v1/equipment/:id': { roles: ['coordinator', 'qa', 'gateway-admin', 'admin'], site: 'equipment' },
  'POST /v1/equipment/:id/service': { roles: ['coordinator', 'admin'], site: 'equipment' },

  'GET /v1/alerts': { roles: USER_ROLES, site: 'list' },
  'GET /v1/events': { roles: USER_ROLES, site: 'list' },
  'GET /v1/telemetry': { roles: ['coordinator', 'qa', 'admin', 'gateway-admin'], site: 'list' },
  'GET /v1/qa/queue': { roles: ['qa', 'admin'], site: 'list' },

  // The waitlist (issue 18): policies are V2V-wide configuration; the urgency tier is the treating
  // physician's signature — the scheduler role at the batch's treatment centre until a physician role exists.
  'GET /v1/allocation-policies': { roles: ['coordinator', 'scheduler', 'qa', 'admin'], site: 'any' },
  'POST /v1/allocation-policies': { roles: ['coordinator', 'admin'], site: 'any' },
  'POST /v1/allocation-policies/:id/activate': { roles: ['coordinator', 'admin'], site: 'any' },
  'POST /v1/batches/:id/urgency': { roles: ['scheduler'], site: 'batch' },
  'GET /v1/waitlist': { roles: ['coordinator', 'scheduler', 'admin'], site: 'list' },
  'GET /v1/batches/:id/waitlist': { roles: ['coordinator', 'scheduler', 'admin'], site: 'batch' },
};

/** The rule of a route; HEAD is answered by its GET route, so it follows the GET's rule. */
export function ruleOf(method: string, url: string): RouteRule | undefined {
  return ROUTE_ACCESS[`${method === 'HEAD' ? 'GET' : method} ${url}`];
}

/** The sites a listing is limited to: undefined for admin (every site), else the identity's own. */
export function siteFilter(principal: Principal): readonly string[] | undefined {
  return principal.role === 'admin' ? undefined : principal.sites;
}
