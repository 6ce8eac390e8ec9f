import { describe, expect, it } from 'vitest';
import { productProfileSchema } from '../../src/domain/profile.js';
import { PRODUCT_PROFILES, productProfile } from '../../src/domain/profiles.js';

describe('product profiles', () => {
  it('parses both profiles against the schema', () => {
    expect(PRODUCT_PROFILES.map((profile) => profile.id)).toEqual(['autologous-cd19-fresh', 'autologous-bcma-cryo']);
    for (const profile of PRODUCT_PROFILES) expect(productProfileSchema.parse(profile)).toEqual(profile);
  });

  it('ships fresh material chilled and cryopreserved material in vapour-phase nitrogen', () => {
    expect(productProfile('autologous-cd19-fresh').legs.outbound).toMatchObject({ tempMinC: 2, tempMaxC: 8, stabilityHours: 48 });
    expect(productProfile('autologous-bcma-cryo').legs.outbound).toMatchObject({ tempMaxC: -150, stabilityHours: 120 });
  });

  it('names the unknown id and the known ones', () => {
    expect(() => productProfile('allogeneic-x')).toThrow(
      'Unknown product profile "allogeneic-x"; known profiles: autologous-cd19-fresh, autologous-bcma-cryo.',
    );
  });

  it('refuses a rest window that ends before it starts, naming the field', () => {
    const [profile] = PRODUCT_PROFILES;
    const result = productProfileSchema.safeParse({ ...profile, ld: { courseDays: 3, restDaysMin: 5, restDaysMax: 2 } });
    expect(result.success).toBe(false);
    expect(result.error?.issues).toContainEqual(expect.objectContaining({ path: ['ld', 'restDaysMax'] }));
  });
});
