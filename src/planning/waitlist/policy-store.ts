import { and, asc, eq, ne, sql } from 'drizzle-orm';
import type { Database } from '../../db/client.js';
import { allocationPolicies } from '../../db/schema/index.js';
import { allocationPolicySchema, type AllocationPolicy } from '../../domain/planning/policy.js';

/** A stored policy version: the row's id (what an allocation names) and the validated policy. */
export interface StoredPolicy {
  rowId: string;
  policy: AllocationPolicy;
  active: boolean;
  createdBy: string;
  createdAt: Date;
  activatedAt: Date | null;
}

export type PolicyProblem =
  | { problem: 'not-found' }
  | { problem: 'version-taken'; policyId: string; version: number }
  | { problem: 'raced' };

const UNIQUE_VIOLATION = '23505';
const isUniqueViolation = (err: unknown) => {
  const e = err as { code?: string; cause?: { code?: string } };
  return e.code === UNIQUE_VIOLATION || e.cause?.code === UNIQUE_VIOLATION;
};

/** A stored policy is read back through the schema too: a row that no longer validates is an error, not a silent default. */
function storedOf(row: typeof allocationPolicies.$inferSelect): StoredPolicy {
  return { rowId: row.id, policy: allocationPolicySchema.parse(row.policy), active: row.active, createdBy: row.createdBy, createdAt: row.createdAt, activatedAt: row.activatedAt };
}

export async function listPolicies(db: Database): Promise<StoredPolicy[]> {
  const rows = await db.select().from(allocationPolicies).orderBy(asc(allocationPolicies.policyId), asc(allocationPolicies.version));
  return rows.map(storedOf);
}

/** The policy in force; the migration seeds an active one and activation swaps it in one transaction, so there is always one. */
export async function activePolicy(db: Database): Promise<StoredPolicy> {
  const [row] = await db.select().from(allocationPolicies).where(eq(allocationPolicies.active, true));
  if (!row) throw new Error('No allocation policy is active: the migration seeds one; activate one with POST /v1/allocation-policies/{id}/activate.');
  return storedOf(row);
}

/** A new version is a new row; the (policy id, version) unique key refuses a version written twice. */
export async function addPolicyVersion(db: Database, policy: AllocationPolicy, createdBy: string): Promise<StoredPolicy | PolicyProblem> {
  try {
    const [row] = await db.insert(allocationPolicies).values({ policyId: policy.id, version: policy.version, policy, createdBy }).returning();
    return storedOf(row!);
  } catch (err) {
    if (isUniqueViolation(err)) return { problem: 'version-taken', policyId: policy.id, version: policy.version };
    throw err;
  }
}

/**
 * Puts one version in force and takes the other out, in one transaction. Two activations at once:
 * the partial unique index lets only one row be active, so the later one fails and is told so
 * (`raced`) rather than leaving two policies in force. Activating the active one changes nothing.
 */
export async function activatePolicy(db: Database, rowId: string): Promise<StoredPolicy | PolicyProblem> {
  try {
    return await db.transaction(async (tx) => {
      const [target] = await tx.select().from(allocationPolicies).where(eq(allocationPolicies.id, rowId)).for('update');
      if (!target) return { problem: 'not-found' as const };
      if (target.active) return storedOf(target);
      await tx.update(allocationPolicies).set({ active: false }).where(and(eq(allocationPolicies.active, true), ne(allocationPolicies.id, rowId)));
      const [row] = await tx.update(allocationPolicies).set({ active: true, activatedAt: sql`now()` }).where(eq(allocationPolicies.id, rowId)).returning();
      return storedOf(row!);
    });
  } catch (err) {
    if (isUniqueViolation(err)) return { problem: 'raced' };
    throw err;
  }
}
