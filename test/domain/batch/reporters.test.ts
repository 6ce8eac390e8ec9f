import { describe, expect, it } from 'vitest';
import { HANDOFF_STEPS, MILESTONES } from '../../../src/domain/commands.js';
import { HANDOFFS } from '../../../src/domain/batch/journey.js';
import {
  BATCH_SITES, HANDOFF_REPORTERS, MILESTONE_REPORTERS, PARTIES, REPORTING_ROLES, mayReport, partyOf, type Report,
} from '../../../src/domain/batch/reporters.js';
import { ROLES } from '../../../src/domain/roles.js';

const batch = { apheresisCenterId: 'aph-1', facilityId: 'fac-1', treatmentCenterId: 'tc-1' };

describe('who may report what', () => {
  it('names a reporter for every hand-off step and milestone, and every party reports something', () => {
    expect(Object.keys(HANDOFF_REPORTERS).sort()).toEqual([...HANDOFF_STEPS].sort());
    expect(Object.keys(HANDOFFS).sort()).toEqual(Object.keys(HANDOFF_REPORTERS).sort());
    expect(Object.keys(MILESTONE_REPORTERS).sort()).toEqual([...MILESTONES].sort());
    const reporting = new Set([...Object.values(HANDOFF_REPORTERS), ...Object.values(MILESTONE_REPORTERS)].map((r) => r.party));
    expect([...PARTIES].filter((p) => !reporting.has(p))).toEqual(['qa']); // QA signs (SIGNATURE_REPORTERS), it reports no step
  });

  it('maps roles to parties by the site they act for', () => {
    expect(BATCH_SITES.map((s) => partyOf('coordinator', s))).toEqual(['apheresis-centre', 'facility', 'treatment-centre']);
    expect(BATCH_SITES.map((s) => partyOf('courier', s))).toEqual(['courier', 'courier', 'courier']);
    expect(BATCH_SITES.map((s) => partyOf('manufacturing', s))).toEqual([undefined, 'facility', undefined]);
    expect(BATCH_SITES.map((s) => partyOf('qc-lab', s))).toEqual([undefined, 'qc-lab', undefined]);
    for (const role of ['scheduler', 'gateway-admin', 'admin'] as const) expect(BATCH_SITES.map((s) => partyOf(role, s))).toEqual([undefined, undefined, undefined]);
    expect([...REPORTING_ROLES].sort()).toEqual(['coordinator', 'courier', 'manufacturing', 'qa', 'qc-lab']);
    expect(ROLES.filter((r) => !REPORTING_ROLES.includes(r)).sort()).toEqual(['admin', 'gateway-admin', 'scheduler']);
  });

  it('refuses a courier of the apheresis centre reporting a manufacturing failure, naming the rule', () => {
    const verdict = mayReport({ role: 'courier', sites: ['aph-1'] }, { kind: 'milestone', milestone: 'manufacturing-failed' }, batch);
    expect(verdict).toEqual({ ok: false, rule: "`manufacturing-failed` is reported by the batch's manufacturing facility (site fac-1); you are a courier of aph-1." });
  });

  it('lets each party report its own steps from its own site only', () => {
    const ok = (role: (typeof ROLES)[number], sites: string[], report: Report) => mayReport({ role, sites }, report, batch).ok;
    expect(ok('courier', ['aph-1'], { kind: 'handoff', step: 'outbound-pickup' })).toBe(true);
    expect(ok('courier', ['fac-1'], { kind: 'handoff', step: 'outbound-pickup' })).toBe(false);
    expect(ok('courier', ['aph-1', 'fac-1'], { kind: 'handoff', step: 'facility-receipt' })).toBe(false);
    expect(ok('manufacturing', ['fac-1'], { kind: 'handoff', step: 'facility-receipt' })).toBe(true);
    expect(ok('manufacturing', ['fac-2'], { kind: 'milestone', milestone: 'activation-complete' })).toBe(false);
    expect(ok('qc-lab', ['fac-1'], { kind: 'milestone', milestone: 'qc-complete' })).toBe(true);
    expect(ok('manufacturing', ['fac-1'], { kind: 'milestone', milestone: 'qc-complete' })).toBe(false);
    expect(ok('coordinator', ['tc-1'], { kind: 'milestone', milestone: 'physician-acceptance' })).toBe(true);
    expect(ok('coordinator', ['aph-1'], { kind: 'handoff', step: 'infusion' })).toBe(false);
    expect(ok('qa', ['fac-1'], { kind: 'signature', command: 'qa-disposition' })).toBe(true);
    expect(ok('qa', ['tc-1'], { kind: 'signature', command: 'qa-disposition' })).toBe(false);
    expect(ok('admin', [], { kind: 'handoff', step: 'collection' })).toBe(false);
  });

  it('says so when the batch has no facility yet', () => {
    const verdict = mayReport({ role: 'manufacturing', sites: ['fac-1'] }, { kind: 'handoff', step: 'facility-receipt' }, { ...batch, facilityId: null });
    expect(verdict).toEqual({ ok: false, rule: "`facility-receipt` is reported by the batch's manufacturing facility (not planned yet); you are a manufacturing system of fac-1." });
  });
});
