/**
 * PostgreSQL's SQLSTATE codes the callers act on. drizzle wraps the driver's error, so the code
 * may sit on the error or on one of its causes.
 */
function hasSqlState(err: unknown, code: string): boolean {
  for (let e: unknown = err; e instanceof Error; e = e.cause) {
    if ((e as { code?: unknown }).code === code) return true;
  }
  return false;
}

/** exclusion_violation: an overlapping range already holds the line, chair or binding. */
export const isExclusionViolation = (err: unknown) => hasSqlState(err, '23P01');

/**
 * Two transactions inserting conflicting rows at the same moment can each find the other's row while
 * checking an exclusion constraint and wait for it: PostgreSQL aborts one as a deadlock (40P01).
 */
export const isDeadlock = (err: unknown) => hasSqlState(err, '40P01');
