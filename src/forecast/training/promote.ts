import { z } from 'zod';
import type { Database } from '../../db/client.js';
import { activate, activeModel, findModel, type ModelRow, type ModelTarget } from '../registry/index.js';
import { challengeSchema, decidePromotion, type PromotionDecision } from './promotion-rule.js';

const storedChallenge = z.object({ challenge: challengeSchema.nullable() });

/**
 * Applies the promotion rule (decidePromotion) to a registered candidate and, if it passes,
 * activates it, retiring the model it replaces. Returns the decision with its reason either way.
 */
export async function promoteIfBetter(db: Database, candidateId: string, options: { force?: boolean; now?: Date } = {}): Promise<PromotionDecision & { retired?: ModelRow }> {
  const candidate = await findModel(db, candidateId);
  if (!candidate) throw new Error(`No model ${candidateId} in the registry (v2v forecast list shows them).`);
  if (candidate.state !== 'candidate') throw new Error(`${candidateId} is ${candidate.state}: only a candidate can be promoted.`);
  const stored = storedChallenge.safeParse(candidate.metrics);
  if (!stored.success) throw new Error(`${candidateId}'s metrics hold no backtest judgement (was it registered by v2v forecast train?).`);
  const active = await activeModel(db, candidate.target as ModelTarget, candidate.scope);
  const decision = decidePromotion({ candidateId, ...(active ? { activeId: active.id } : {}), challenge: stored.data.challenge, force: options.force ?? false });
  if (!decision.promoted) return decision;
  // The active model checked again in the promotion's transaction: it may have changed since it was read.
  const { retired } = await activate(db, candidateId, options.now ?? new Date(), active?.id ?? null);
  return { ...decision, ...(retired ? { retired } : {}) };
}
