import { and, desc, eq, getTableColumns, sql } from 'drizzle-orm';
import type { Database } from '../../db/client.js';
import { models, type MODEL_TARGETS } from '../../db/schema/index.js';

export type ModelTarget = (typeof MODEL_TARGETS)[number];
export type ModelRow = typeof models.$inferSelect;
/** What training hands the registry; the registry gives it a version, an id and the state `candidate`. */
export type NewModel = Pick<typeof models.$inferInsert, 'target' | 'scope' | 'trainedFrom' | 'trainedTo' | 'features' | 'metrics' | 'artifact'>;

/** Turnaround models cover the whole network; maintenance models one equipment kind each. */
export const NETWORK_SCOPE = 'network';

/** `release_days:network:v3`: readable in `v2v forecast list` and in each forecast's `model_id`. */
export const modelId = (target: string, scope: string, version: number) => `${target}:${scope}:v${version}`;

/**
 * Stores a trained model as a candidate with the next version of its target and scope. The version
 * is taken under a transaction-scoped advisory lock, so two trainings at once cannot both take it.
 */
export async function registerCandidate(db: Database, model: NewModel): Promise<ModelRow> {
  return db.transaction(async (tx) => {
    await tx.execute(sql`select pg_advisory_xact_lock(hashtext(${`models:${model.target}:${model.scope}`}))`);
    const [last] = await tx
      .select({ version: models.version })
      .from(models)
      .where(and(eq(models.target, model.target), eq(models.scope, model.scope)))
      .orderBy(desc(models.version))
      .limit(1);
    const version = (last?.version ?? 0) + 1;
    const [row] = await tx.insert(models).values({ ...model, id: modelId(model.target, model.scope, version), version, state: 'candidate' }).returning();
    return row!;
  });
}

/** The model serving `target` for `scope`, if one has been promoted. */
export async function activeModel(db: Database, target: ModelTarget, scope: string): Promise<ModelRow | undefined> {
  const [row] = await db.select().from(models).where(and(eq(models.target, target), eq(models.scope, scope), eq(models.state, 'active')));
  return row;
}

export async function findModel(db: Database, id: string): Promise<ModelRow | undefined> {
  const [row] = await db.select().from(models).where(eq(models.id, id));
  return row;
}

/** Every model, newest first, without artifacts (they are large). */
export async function listModels(db: Database, target?: ModelTarget) {
  const columns: Partial<ReturnType<typeof getTableColumns<typeof models>>> = { ...getTableColumns(models) };
  delete columns.artifact;
  return db
    .select(columns)
    .from(models)
    .where(target ? eq(models.target, target) : undefined)
    .orderBy(models.target, models.scope, desc(models.version));
}

/**
 * Makes `id` the active model of its target and scope and retires the one it replaces, in one
 * transaction (the partial unique index allows one active model per target and scope). Whether the
 * candidate deserves it (its backtest beats the active model's) is the caller's rule, not the registry's;
 * `replacing` names the model that rule judged it against (null: none), and the promotion is refused
 * if another is active by the time it commits, so two promotions at once cannot both pass on stale facts.
 */
export async function activate(db: Database, id: string, now = new Date(), replacing?: string | null): Promise<{ activated: ModelRow; retired?: ModelRow }> {
  return db.transaction(async (tx) => {
    const [candidate] = await tx.select().from(models).where(eq(models.id, id)).for('update');
    if (!candidate) throw new Error(`model ${id} does not exist`);
    if (candidate.state !== 'candidate') throw new Error(`model ${id} is ${candidate.state}: only a candidate can be promoted`);
    if (replacing !== undefined) {
      const [active] = await tx.select({ id: models.id }).from(models).where(and(eq(models.target, candidate.target), eq(models.scope, candidate.scope), eq(models.state, 'active'))).for('update');
      if ((active?.id ?? null) !== replacing) throw new Error(`model ${id} was judged against ${replacing ?? 'no active model'}, but ${active?.id ?? 'none'} is active now: promote it again`);
    }
    const [retired] = await tx
      .update(models)
      .set({ state: 'retired', retiredAt: now })
      .where(and(eq(models.target, candidate.target), eq(models.scope, candidate.scope), eq(models.state, 'active')))
      .returning();
    const [activated] = await tx.update(models).set({ state: 'active', promotedAt: now }).where(eq(models.id, id)).returning();
    return { activated: activated!, ...(retired ? { retired } : {}) };
  });
}
