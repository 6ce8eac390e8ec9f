import { and, asc, desc, eq, inArray, type SQL } from 'drizzle-orm';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { equipment, equipmentAssessments, maintenanceEvents, maintenanceTickets } from '../../db/schema/index.js';
import type { AssessmentMethod } from '../../forecast/maintenance/assess-unit.js';
import { siteFilter } from '../auth/route-access.js';
import type { ApiDeps, RouteOptions } from '../deps.js';
import { errorBodySchema, notFound } from '../errors.js';
import { equipmentDetailQuery, equipmentDetailSchema, equipmentIdParams, equipmentListSchema, listEquipmentQuery, serviceBodySchema, serviceResultSchema } from '../schemas/equipment.js';

type Unit = typeof equipment.$inferSelect;
type Assessment = typeof equipmentAssessments.$inferSelect;
type Ticket = typeof maintenanceTickets.$inferSelect;

/** How many assessments and tickets a unit's detail shows. */
const RECENT = 30;

/** Equipment with its latest risk forecast and maintenance tickets. */
const equipmentRoutes: FastifyPluginAsyncZod<RouteOptions> = async (app, { deps }) => {
  app.get(
    '/v1/equipment',
    {
      schema: {
        tags: ['equipment'],
        summary: 'Equipment with its latest 7-day failure probability, remaining useful life and open ticket',
        querystring: listEquipmentQuery,
        response: { 200: equipmentListSchema, 400: errorBodySchema, 401: errorBodySchema, 403: errorBodySchema },
      },
    },
    async (request) => {
      const { site, kind, limit, simulated } = request.query;
      const filters: SQL[] = [eq(equipment.simulated, simulated)];
      if (site) filters.push(eq(equipment.siteId, site));
      const sites = siteFilter(request.principal!);
      if (sites) filters.push(inArray(equipment.siteId, [...sites]));
      if (kind) filters.push(eq(equipment.kind, kind));
      const units = await deps.db.select().from(equipment).where(and(...filters)).orderBy(asc(equipment.id)).limit(limit);
      const [latest, open] = await Promise.all([latestAssessments(deps, units), openTickets(deps, units)]);
      return { equipment: units.map((u) => summary(u, latest.get(u.id), open.get(u.id))) };
    },
  );

  app.get(
    '/v1/equipment/:id',
    {
      schema: {
        tags: ['equipment'],
        summary: 'One unit: its risk forecast, recent assessments and maintenance tickets',
        params: equipmentIdParams,
        querystring: equipmentDetailQuery,
        response: { 200: equipmentDetailSchema, 400: errorBodySchema, 401: errorBodySchema, 403: errorBodySchema, 404: errorBodySchema },
      },
    },
    async (request) => {
      const { id } = request.params;
      const [unit] = await deps.db
        .select()
        .from(equipment)
        .where(and(eq(equipment.id, id), eq(equipment.simulated, request.query.simulated)));
      if (!unit) throw notFound(`No ${request.query.simulated ? 'simulated ' : ''}equipment "${id}".`);
      const [assessments, tickets] = await Promise.all([
        deps.db.select().from(equipmentAssessments).where(eq(equipmentAssessments.equipmentId, id)).orderBy(desc(equipmentAssessments.at), desc(equipmentAssessments.id)).limit(RECENT),
        deps.db.select().from(maintenanceTickets).where(eq(maintenanceTickets.equipmentId, id)).orderBy(desc(maintenanceTickets.openedAt)).limit(RECENT),
      ]);
      return {
        ...summary(unit, assessments[0], tickets.find((t) => t.state === 'open')),
        installedAt: unit.installedAt?.toISOString() ?? null,
        assessments: assessments.map((a) => ({
          at: a.at.toISOString(), failureProbability7d: a.failureProbability7d, rulDays: a.rulDays, method: a.method as AssessmentMethod,
          failureModelId: a.failureModelId, rulModelId: a.rulModelId,
        })),
        tickets: tickets.map(ticket),
      };
    },
  );

  /**
   * A service done on a unit: recorded as a maintenance event (the next assessment counts days and runs
   * from it), and the open ticket, if any, closed with it, in one transaction, so the unit's line takes
   * new manufacturing slots again. The maintenance event has no column for who did it yet, so the
   * log names the authenticated caller (its subject and role, never a token).
   */
  app.post(
    '/v1/equipment/:id/service',
    {
      schema: {
        tags: ['equipment'],
        summary: 'Record a service of the unit; closes its open maintenance ticket',
        params: equipmentIdParams,
        body: serviceBodySchema,
        response: { 200: serviceResultSchema, 400: errorBodySchema, 401: errorBodySchema, 403: errorBodySchema, 404: errorBodySchema },
      },
    },
    async (request) => {
      const { id } = request.params;
      const at = request.body.at ? new Date(request.body.at) : new Date();
      return deps.db.transaction(async (tx) => {
        const [unit] = await tx.select({ id: equipment.id }).from(equipment).where(and(eq(equipment.id, id), eq(equipment.simulated, false))).for('update');
        if (!unit) throw notFound(`No equipment "${id}".`);
        await tx.insert(maintenanceEvents).values({ equipmentId: id, kind: 'service', at }).onConflictDoNothing();
        await tx.update(equipment).set({ maintenanceState: 'in_service' }).where(eq(equipment.id, id));
        const [closed] = await tx
          .update(maintenanceTickets)
          .set({ state: 'closed', closedAt: at })
          .where(and(eq(maintenanceTickets.equipmentId, id), eq(maintenanceTickets.state, 'open')))
          .returning();
        const principal = request.principal!;
        request.log.info({ equipmentId: id, by: principal.subject, role: principal.role }, 'equipment service recorded');
        return { equipmentId: id, servicedAt: at.toISOString(), closedTicket: closed ? ticket(closed) : null };
      });
    },
  );
};

async function latestAssessments(deps: ApiDeps, units: readonly Unit[]): Promise<Map<string, Assessment>> {
  if (units.length === 0) return new Map();
  const rows = await deps.db
    .selectDistinctOn([equipmentAssessments.equipmentId])
    .from(equipmentAssessments)
    .where(inArray(equipmentAssessments.equipmentId, units.map((u) => u.id)))
    .orderBy(equipmentAssessments.equipmentId, desc(equipmentAssessments.at), desc(equipmentAssessments.id));
  return new Map(rows.map((r) => [r.equipmentId, r]));
}

async function openTickets(deps: ApiDeps, units: readonly Unit[]): Promise<Map<string, Ticket>> {
  if (units.length === 0) return new Map();
  const rows = await deps.db
    .select()
    .from(maintenanceTickets)
    .where(and(inArray(maintenanceTickets.equipmentId, units.map((u) => u.id)), eq(maintenanceTickets.state, 'open')));
  return new Map(rows.map((r) => [r.equipmentId, r]));
}

const ticket = (t: Ticket) => ({
  ticketId: t.id, state: t.state, reason: t.reason, failureProbability7d: t.failureProbability7d, rulDays: t.rulDays,
  openedAt: t.openedAt.toISOString(), closedAt: t.closedAt?.toISOString() ?? null,
});

const summary = (u: Unit, latest: Assessment | undefined, open: Ticket | undefined) => ({
  equipmentId: u.id, siteId: u.siteId, kind: u.kind, line: u.line, maintenanceState: u.maintenanceState,
  risk: latest?.failureProbability7d ?? null, rulDays: latest?.rulDays ?? null, method: (latest?.method as AssessmentMethod | undefined) ?? null,
  assessedAt: latest?.at.toISOString() ?? null, openTicket: open ? ticket(open) : null,
});

export default equipmentRoutes;
