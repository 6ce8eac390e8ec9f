import { alerts } from '../../db/schema/index.js';
import type { Actor } from '../../domain/commands.js';
import type { ApiDeps } from '../deps.js';
import { API_ERR, ApiError, forbidden } from '../errors.js';
import type { Principal } from './principal.js';
import { verifySigningPassword } from './signing-password.js';
import { findUser, recordFailedSignature, resetFailedSignatures } from './users.js';

/**
 * Electronic signatures (21 CFR Part 11): the signer is always the token's user (§11.200(a)(1):
 * a signature cannot be made for someone else, and a machine cannot sign), who re-enters the
 * signing password at each signing. Three wrong passwords in a row lock the signer (§11.300(d))
 * and raise an alert; an administrator unlocks them. The signed record carries the printed name,
 * role and meaning (§11.50), and the user id that links it to its signer (§11.70).
 */
export const SIGNING_ATTEMPTS = 3;

const rejected = (message: string) => new ApiError(403, API_ERR.SIGNATURE_REJECTED, message);
const locked = (message: string) => new ApiError(403, API_ERR.SIGNER_LOCKED, message);

/** Checks the re-entered password of the caller and answers the signer as the custody record shows it. */
export async function signerOf(deps: ApiDeps, principal: Principal, signingPassword: string): Promise<Actor> {
  if (principal.kind !== 'user') throw forbidden('A machine identity cannot sign; a signature is made by a person.');
  const user = await findUser(deps.db, principal.subject);
  if (!user) throw rejected('Your identity has no user record here, so it cannot sign.');
  if (user.lockedAt) throw locked('Signing is locked for you after repeated wrong signing passwords; an administrator must unlock you.');
  if (!user.signingPasswordHash) throw rejected('You have no signing password; an administrator must set one before you can sign.');

  if (!(await verifySigningPassword(signingPassword, user.signingPasswordHash))) {
    const after = await recordFailedSignature(deps.db, user.id, SIGNING_ATTEMPTS);
    if (after.lockedAt) {
      await raiseLockAlert(deps, after.id, after.name, after.role, after.lockedAt);
      throw locked(`Wrong signing password, ${SIGNING_ATTEMPTS} times in a row: signing is now locked for you until an administrator unlocks you.`);
    }
    const left = SIGNING_ATTEMPTS - after.failedSignatures;
    throw rejected(`The signing password is wrong; nothing was signed. ${left} attempt${left === 1 ? '' : 's'} left before signing is locked.`);
  }
  if (user.failedSignatures > 0) await resetFailedSignatures(deps.db, user.id);
  deps.logger.info({ userId: user.id, role: user.role }, 'signature verified');
  return { name: user.name, role: user.role, userId: user.id };
}

async function raiseLockAlert(deps: ApiDeps, userId: string, name: string, role: string, lockedAt: Date) {
  await deps.db
    .insert(alerts)
    .values({
      key: `signer-locked:${userId}:${lockedAt.toISOString()}`,
      severity: 'critical',
      kind: 'signer-locked',
      message: `Signer ${name} (${role}) is locked after ${SIGNING_ATTEMPTS} wrong signing passwords in a row; unlock with v2v users unlock --user ${userId}.`,
    })
    .onConflictDoNothing();
  deps.logger.warn({ userId }, 'signer locked after repeated wrong signing passwords');
}
