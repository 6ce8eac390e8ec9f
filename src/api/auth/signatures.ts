import { alerts } from '../../db/schema/index.js';
import type { Actor } from '../../domain/commands.js';
import type { ApiDeps } from '../deps.js';
import { API_ERR, ApiError, forbidden } from '../errors.js';
import type { Principal } from './principal.js';
import { verifySigningPassword } from './signing-password.js';
import { acceptSignature, claimSigningAttempt, findUser, lockIfExhausted } from './users.js';

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

/**
 * Checks the re-entered password of the caller and answers the signer as the custody record shows it.
 * Role, name and sites come from the user row as it is now, never from the token (users.ts has the
 * lock's statements: each attempt is counted before its password is compared).
 */
export async function signerOf(deps: ApiDeps, principal: Principal, signingPassword: string): Promise<Actor> {
  if (principal.kind !== 'user') throw forbidden('A machine identity cannot sign; a signature is made by a person.');
  const user = await findUser(deps.db, principal.subject);
  if (!user) throw rejected('Your identity has no user record here, so it cannot sign.');
  if (user.disabledAt) throw rejected('Your user is disabled, so it cannot sign.');
  if (user.lockedAt) throw locked('Signing is locked for you after repeated wrong signing passwords; an administrator must unlock you.');
  if (!user.signingPasswordHash) throw rejected('You have no signing password; an administrator must set one before you can sign.');
  if (user.role !== principal.role) throw rejected(`Your role is now "${user.role}", not the token's "${principal.role}"; sign in again.`);

  const claimed = await claimSigningAttempt(deps.db, user.id, SIGNING_ATTEMPTS);
  if (!claimed) return refuseUnclaimed(deps, user.id);
  if (!claimed.signingPasswordHash || !(await verifySigningPassword(signingPassword, claimed.signingPasswordHash))) {
    const lockedNow = await lockIfExhausted(deps.db, claimed.id, SIGNING_ATTEMPTS);
    if (lockedNow) await raiseLockAlert(deps, lockedNow.id, lockedNow.name, lockedNow.role, lockedNow.lockedAt!);
    if (lockedNow || claimed.failedSignatures >= SIGNING_ATTEMPTS) {
      throw locked(`Wrong signing password, ${SIGNING_ATTEMPTS} times in a row: signing is now locked for you until an administrator unlocks you.`);
    }
    const left = SIGNING_ATTEMPTS - claimed.failedSignatures;
    throw rejected(`The signing password is wrong; nothing was signed. ${left} attempt${left === 1 ? '' : 's'} left before signing is locked.`);
  }
  if (!(await acceptSignature(deps.db, claimed.id))) {
    throw locked('Signing was locked or your user disabled while this signature was being checked; nothing was signed.');
  }
  deps.logger.info({ userId: claimed.id, role: claimed.role }, 'signature verified');
  return { name: claimed.name, role: claimed.role, userId: claimed.id };
}

/** Longer than any comparison takes: attempts counted longer ago than this are not being compared any more. */
const SIGNING_CHECK_MS = 60_000;

/**
 * No attempt could be counted: the signer is locked or disabled, or has as many attempts out as it
 * has left. While those may still be being compared (one was counted within SIGNING_CHECK_MS), this
 * one is refused as busy, to be sent again: a QA reviewer releasing several batches at once signs in
 * parallel with the right password, and locking them for it (as V2V did, found by the reliability
 * run) took their signing away. Guessing gains nothing: at most three comparisons run at once, and
 * each wrong one counts and locks when it answers. Counts older than that were left by attempts that
 * never answered (a process died between count and compare): they are failures, and lock.
 */
async function refuseUnclaimed(deps: ApiDeps, userId: string): Promise<never> {
  const user = await findUser(deps.db, userId);
  if (user?.disabledAt) throw rejected('Your user is disabled, so it cannot sign.');
  if (user && !user.lockedAt && user.signingClaimedAt && Date.now() - user.signingClaimedAt.getTime() < SIGNING_CHECK_MS) {
    const busy = new ApiError(503, API_ERR.SIGNING_BUSY, `${SIGNING_ATTEMPTS} of your signatures are being checked right now; nothing was signed or counted. Send this one again in a moment.`);
    busy.headers = { 'retry-after': '1' };
    throw busy;
  }
  const lockedNow = await lockIfExhausted(deps.db, userId, SIGNING_ATTEMPTS);
  if (lockedNow) await raiseLockAlert(deps, lockedNow.id, lockedNow.name, lockedNow.role, lockedNow.lockedAt!);
  throw locked('Signing is locked for you after repeated wrong signing passwords; an administrator must unlock you.');
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
