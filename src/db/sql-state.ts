/**
 * PostgreSQL's SQLSTATE codes the callers act on. drizzle wraps the driver's error, so the code
 * may sit on the error or on one of its causes.
 */
function hasSqlState(err: unknown, code: string | ((code: string) => boolean)): boolean {
  return sqlStateOf(err, code) !== undefined;
}

/** The first SQLSTATE on the error or its causes that `match` accepts. */
function sqlStateOf(err: unknown, match: string | ((code: string) => boolean)): string | undefined {
  for (let e: unknown = err; e instanceof Error; e = e.cause) {
    const code = (e as { code?: unknown }).code;
    if (typeof code === 'string' && (typeof match === 'string' ? code === match : match(code))) return code;
  }
  return undefined;
}

/** exclusion_violation: an overlapping range already holds the line, chair or binding. */
export const isExclusionViolation = (err: unknown) => hasSqlState(err, '23P01');

/**
 * Two transactions inserting conflicting rows at the same moment can each find the other's row while
 * checking an exclusion constraint and wait for it: PostgreSQL aborts one as a deadlock (40P01).
 */
export const isDeadlock = (err: unknown) => hasSqlState(err, '40P01');

/**
 * Errors a retry cannot cure, because the same statement with the same data fails the same way:
 * data exceptions (class 22: NUL in text, an invalid byte sequence, a value too long, a number out
 * of range) and check violations (23514). Returns the SQLSTATE, or undefined for anything else.
 */
export const uncurableSqlState = (err: unknown) => sqlStateOf(err, (code) => code.startsWith('22') || code === '23514');

/** unique_violation (23505) on the named index or constraint (any, when none is named). */
export function isUniqueViolation(err: unknown, constraint?: string): boolean {
  for (let e: unknown = err; e instanceof Error; e = e.cause) {
    const { code, constraint: name } = e as { code?: unknown; constraint?: unknown };
    if (code === '23505') return constraint === undefined || name === constraint;
  }
  return false;
}
