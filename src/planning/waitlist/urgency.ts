import { createHash, randomUUID } from 'node:crypto';
import { and, desc, eq, inArray } from 'drizzle-orm';
import type { Database } from '../../db/client.js';
import { urgencyAssessments } from '../../db/schema/index.js';
import type { Actor } from '../../domain/commands.js';
import { canonicalJson } from '../../domain/custody-chain.js';
import type { UrgencyTier } from '../../domain/planning/policy.js';
import { appendCustodyInTransaction } from '../../../activities/custody.js';

export interface UrgencySigning {
  batchId: string;
  tier: UrgencyTier;
  justification: string;
  meaning: string;
  /** The verified signer (src/api/auth/signatures.ts): name and role from the users row, and the user id. */
  signer: Actor & { userId: string };
  /** Makes a retried call find its first signature instead of signing twice (the Idempotency-Key, bound to the caller). */
  retryKey?: string;
}

export interface UrgencyAssessment {
  assessmentId: string;
  batchId: string;
  tier: UrgencyTier;
  meaning: string;
  signer: { name: string; role: string; userId: string };
  signedAt: string;
  signatureHash: string;
  custodySeq: number;
}

/** SHA-256 over everything the signature attests, canonical JSON, so an auditor can recompute it from the row. */
export function urgencySignatureHash(content: { batchId: string; tier: string; justification: string; signerSubject: string; signerName: string; signerRole: string; meaning: string; signedAt: string }): string {
  return createHash('sha256').update(canonicalJson(content), 'utf8').digest('hex');
}

const sha256 = (text: string) => createHash('sha256').update(text, 'utf8').digest('hex');

/**
 * Stores a signed urgency tier and its custody record in one transaction. The custody record carries
 * the tier, the signature's hash and the justification's hash, not its text: the chain is shown to
 * every reader of the batch (couriers included), the clinical reasoning only to its own readers.
 */
export async function signUrgency(db: Database, input: UrgencySigning): Promise<UrgencyAssessment> {
  const key = input.retryKey ? `urgency:${input.batchId}:${input.signer.userId}:${input.retryKey}` : `urgency:${input.batchId}:${randomUUID()}`;
  return db.transaction(async (tx) => {
    const signedAt = new Date();
    const content = {
      batchId: input.batchId, tier: input.tier, justification: input.justification, signerSubject: input.signer.userId,
      signerName: input.signer.name, signerRole: input.signer.role, meaning: input.meaning, signedAt: signedAt.toISOString(),
    };
    const signatureHash = urgencySignatureHash(content);
    const appended = await appendCustodyInTransaction(tx, {
      key, batchId: input.batchId, kind: 'urgency', actor: input.signer, meaning: input.meaning, occurredAt: content.signedAt,
      data: { tier: input.tier, signatureHash, justificationSha256: sha256(input.justification), userId: input.signer.userId },
    });
    if (appended.existed) {
      const [first] = await tx.select().from(urgencyAssessments)
        .where(and(eq(urgencyAssessments.batchId, input.batchId), eq(urgencyAssessments.custodySeq, appended.seq)));
      if (first) return assessmentOf(first);
    }
    const [row] = await tx.insert(urgencyAssessments).values({
      batchId: input.batchId, tier: input.tier, justification: input.justification, signerSubject: input.signer.userId,
      signerName: input.signer.name, signerRole: input.signer.role, meaning: input.meaning, signedAt, signatureHash, custodySeq: appended.seq,
    }).returning();
    return assessmentOf(row!);
  });
}

function assessmentOf(row: typeof urgencyAssessments.$inferSelect): UrgencyAssessment {
  return {
    assessmentId: row.id, batchId: row.batchId, tier: row.tier, meaning: row.meaning,
    signer: { name: row.signerName, role: row.signerRole, userId: row.signerSubject },
    signedAt: row.signedAt.toISOString(), signatureHash: row.signatureHash, custodySeq: row.custodySeq,
  };
}

/** The tier in force for each batch: its latest signed assessment; a batch never assessed is standard. */
export async function urgencyTiers(db: Database, batchIds: readonly string[]): Promise<Map<string, UrgencyTier>> {
  if (batchIds.length === 0) return new Map();
  const rows = await db
    .selectDistinctOn([urgencyAssessments.batchId], { batchId: urgencyAssessments.batchId, tier: urgencyAssessments.tier })
    .from(urgencyAssessments)
    .where(inArray(urgencyAssessments.batchId, [...batchIds]))
    .orderBy(urgencyAssessments.batchId, desc(urgencyAssessments.signedAt), desc(urgencyAssessments.custodySeq));
  return new Map(rows.map((r) => [r.batchId, r.tier]));
}
