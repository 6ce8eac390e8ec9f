import type { InjectOptions } from 'fastify';
import { beforeAll, describe, expect, it } from 'vitest';
import type { Principal } from '../../src/api/auth/principal.js';
import { addUser } from '../../src/api/auth/users.js';
import { BATCH_SITES, HANDOFF_REPORTERS, MILESTONE_REPORTERS, REPORTING_ROLES, SIGNATURE_REPORTERS, mayReport, partyOf, type BatchSite, type Report, type Reporter } from '../../src/domain/batch/reporters.js';
import { HANDOFF_STEPS, MILESTONES } from '../../src/domain/commands.js';
import { ROLES, type Role } from '../../src/domain/roles.js';
import { sites } from '../../src/db/schema/index.js';
import { unique } from '../setup/services.js';
import { stackApp } from './stack-app.js';

/**
 * Every role × site × command against the API on the real database, generated from the domain's
 * table of who reports what: each role acting for each of the batch's three sites and for a foreign
 * one tries every hand-off step, every milestone and both QA signatures. Exactly the pairs the table
 * allows pass (not 403: the recording workflow accepts them, as the real one may then refuse one out
 * of turn with a 409); every other gets 403 with the rule that refused it and reaches no workflow.
 */
const { app, db, temporal, ids, identities, enrolled } = stackApp();
const foreign = unique('facility-foreign');
const SIGNING_PASSWORD = 'the quality unit signs';
type SiteVariant = BatchSite | 'foreign';
const VARIANTS: SiteVariant[] = [...BATCH_SITES, 'foreign'];
const siteId = (v: SiteVariant) => ({ 'apheresis-centre': ids.apheresis, facility: ids.facility, 'treatment-centre': ids.treatment, foreign })[v];

interface Command {
  name: string;
  report: Report;
  reporter: Reporter;
  request: (batchId: string, coiId: string) => InjectOptions;
}
const post = (url: string, payload: object): InjectOptions => ({ method: 'POST', url, payload });
const COMMANDS: Command[] = [
  ...HANDOFF_STEPS.map((step) => ({
    name: step, report: { kind: 'handoff', step } as const, reporter: HANDOFF_REPORTERS[step],
    request: (batchId: string, coiId: string) => post(`/v1/batches/${batchId}/handoffs`, { step, coiId, din: 'W123426000123', location: 'scan point' }),
  })),
  ...MILESTONES.map((milestone) => ({
    name: milestone, report: { kind: 'milestone', milestone } as const, reporter: MILESTONE_REPORTERS[milestone],
    request: (batchId: string) => post(`/v1/batches/${batchId}/milestones`, { milestone, at: new Date().toISOString(), source: 'whoever the body says' }),
  })),
  {
    name: 'qa-disposition', report: { kind: 'signature', command: 'qa-disposition' }, reporter: SIGNATURE_REPORTERS['qa-disposition'],
    request: (batchId) => post(`/v1/batches/${batchId}/qa-disposition`, { decision: 'release', meaning: 'released for infusion', signingPassword: SIGNING_PASSWORD }),
  },
  {
    name: 'excursion-assessment', report: { kind: 'signature', command: 'excursion-assessment' }, reporter: SIGNATURE_REPORTERS['excursion-assessment'],
    request: (batchId) => post(`/v1/batches/${batchId}/excursions/exc-1/assessment`, { impact: 'none', meaning: 'no impact', signingPassword: SIGNING_PASSWORD }),
  },
];

/** The oracle, straight from the table: the role plays the reporting party at the reporting site. */
const allowedByTable = (role: Role, site: SiteVariant, { reporter }: Command) => site === reporter.site && partyOf(role, site) === reporter.party;

const callers: { role: Role; site: SiteVariant; principal: Principal; token: string }[] = [];
let batch: { batchId: string; coiId: string };

beforeAll(async () => {
  await db.insert(sites).values({ id: foreign, kind: 'manufacturing_facility', name: 'Someone else’s facility' });
  for (const role of ROLES) {
    for (const site of VARIANTS) {
      const sitesOf = [siteId(site)];
      const name = `${role} at ${site}`;
      if (role === 'qa') {
        // QA signs: a real user with a signing password, as the signature route checks it.
        const user = await addUser(db, identities.stackRoot, { name, role, sites: sitesOf, signingPassword: SIGNING_PASSWORD });
        callers.push({ role, site, principal: { subject: user.id, kind: 'user', name, role, sites: sitesOf }, token: user.token });
        continue;
      }
      const principal: Principal = { subject: unique(role), kind: ['courier', 'manufacturing', 'qc-lab'].includes(role) ? 'machine' : 'user', name, role, sites: sitesOf };
      callers.push({ role, site, principal, token: await identities.tokenFor(principal) });
    }
  }
  batch = await enrolled();
});

describe('who may report what: every role × site × command', () => {
  it('lets exactly the parties of the table through, and refuses every other with 403 naming the rule', async () => {
    const row = { apheresisCenterId: ids.apheresis, facilityId: ids.facility, treatmentCenterId: ids.treatment };
    const mismatches: string[] = [];
    let allowed = 0;
    let refused = 0;
    for (const command of COMMANDS) {
      for (const { role, site, principal, token } of callers) {
        temporal.calls.length = 0;
        temporal.updateAnswer = { stage: 'COLLECTED' };
        const res = await app.inject({ ...command.request(batch.batchId, batch.coiId), headers: { authorization: `Bearer ${token}` } });
        const what = `${role} at ${site} → ${command.name}: ${res.statusCode} ${res.body}`;
        if (allowedByTable(role, site, command)) {
          allowed++;
          // One update or signal reaches the workflow (a milestone asks first whether it is news: a query).
          const sent = temporal.calls.filter((c) => c.kind !== 'query').length;
          if (res.statusCode === 403 || res.statusCode >= 500 || sent !== 1) mismatches.push(`expected to pass: ${what}`);
          continue;
        }
        refused++;
        const error = res.statusCode === 403 ? (res.json() as { error: { code: string; message: string } }).error : undefined;
        const routeRoles = command.report.kind === 'signature' ? ['qa'] : REPORTING_ROLES;
        const rule = !routeRoles.includes(role)
          ? `The role "${role}" may not call`
          : site === 'foreign'
            ? 'none of which is among your sites'
            : (mayReport(principal, command.report, row) as { rule: string }).rule;
        if (error?.code !== 'ERR_FORBIDDEN' || !error.message.includes(rule) || temporal.calls.length > 0) mismatches.push(`expected 403 "${rule}": ${what}`);
      }
    }
    const total = ROLES.length * VARIANTS.length * COMMANDS.length;
    console.log(
      `who may report what: ${ROLES.length} roles × ${VARIANTS.length} sites × ${COMMANDS.length} commands = ${total} calls; ` +
        `${allowed} allowed, ${refused} refused with 403; ${mismatches.length} mismatches`,
    );
    expect(allowed + refused).toBe(total);
    expect(mismatches).toEqual([]);
    // The table is not vacuous: every command has its party, and none is open to all.
    for (const command of COMMANDS) expect(callers.filter((c) => allowedByTable(c.role, c.site, command)).length, command.name).toBeGreaterThan(0);
  });
});
