import { describe, expect, it } from 'vitest';
import { siteFilter } from '../../src/api/auth/route-access.js';
import { hashSigningPassword, verifySigningPassword } from '../../src/api/auth/signing-password.js';
import { batchSitesFor, seesPatientRef } from '../../src/api/auth/site-scope.js';
import { ADMIN, machineOf, userOf } from './tokens.js';

const batch = { apheresisCenterId: 'apheresis-1', facilityId: 'facility-1', treatmentCenterId: 'treatment-1' };

describe('site scope', () => {
  it("counts all three of a batch's sites, but only the treatment centre for a scheduler", () => {
    expect(batchSitesFor(userOf('coordinator', []), batch).sort()).toEqual(['apheresis-1', 'facility-1', 'treatment-1']);
    expect(batchSitesFor(machineOf('courier', []), { ...batch, facilityId: null }).sort()).toEqual(['apheresis-1', 'treatment-1']);
    expect(batchSitesFor(userOf('scheduler', []), batch)).toEqual(['treatment-1']);
  });

  it('filters listings to the identity’s sites, except for admin', () => {
    expect(siteFilter(ADMIN)).toBeUndefined();
    expect(siteFilter(userOf('qa', ['facility-1']))).toEqual(['facility-1']);
    expect(siteFilter(machineOf('qc-lab', []))).toEqual([]);
  });

  it('shows patientRef to people of the treatment or apheresis centre only', () => {
    expect(seesPatientRef(userOf('scheduler', ['treatment-1']), batch)).toBe(true);
    expect(seesPatientRef(userOf('coordinator', ['apheresis-1']), batch)).toBe(true);
    expect(seesPatientRef(userOf('qa', ['facility-1']), batch)).toBe(false);
    expect(seesPatientRef(userOf('coordinator', ['elsewhere']), batch)).toBe(false);
    expect(seesPatientRef(ADMIN, batch)).toBe(false);
    expect(seesPatientRef(machineOf('courier', ['treatment-1']), batch)).toBe(false);
  });
});

describe('signing password hashes', () => {
  it('store scrypt with its salt and parameters, verify the right password only, and salt each hash', async () => {
    const stored = await hashSigningPassword('a long signing secret');
    expect(stored).toMatch(/^scrypt\$32768\$8\$1\$[\w-]+\$[\w-]+$/);
    expect(stored).not.toContain('a long signing secret');
    expect(await verifySigningPassword('a long signing secret', stored)).toBe(true);
    expect(await verifySigningPassword('a long signing secreT', stored)).toBe(false);
    expect(await hashSigningPassword('a long signing secret')).not.toBe(stored);
    expect(await verifySigningPassword('a long signing secret', 'plain-text')).toBe(false);
  });
});
