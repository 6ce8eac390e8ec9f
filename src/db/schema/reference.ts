import { sql } from 'drizzle-orm';
import { integer, jsonb, pgTable, text } from 'drizzle-orm/pg-core';
import { SITE_KINDS } from '../../domain/stages.js';
import { createdAt, simulated, simulationSeed } from './columns.js';

/** Apheresis centres, manufacturing facilities and treatment centres. */
export const sites = pgTable('sites', {
  id: text('id').primaryKey(),
  kind: text('kind', { enum: SITE_KINDS }).notNull(),
  name: text('name').notNull(),
  timezone: text('timezone').notNull().default('UTC'),
  /** Capacity: treatment centres book chairs `chair-1…chair-N`, facilities reserve lines `line-1…line-N`. */
  infusionChairs: integer('infusion_chairs').notNull().default(4),
  manufacturingLines: integer('manufacturing_lines').notNull().default(2),
  /** Apheresis centres: collections a day on an open day (one patient per apheresis chair). */
  collectionsPerDay: integer('collections_per_day').notNull().default(2),
  /** Apheresis centres: the local weekdays they collect on. */
  collectionDays: text('collection_days').array().notNull().default(sql`'{mon,tue,wed,thu,fri}'::text[]`),
  /** A simulated history's own network: its sites never take real batches' chairs or lines. */
  simulationSeed: simulationSeed(),
  simulated: simulated(),
  createdAt: createdAt(),
});

/** Product profiles are configuration (validated by zod before they land here), versioned. */
export const productProfiles = pgTable('product_profiles', {
  id: text('id').primaryKey(),
  name: text('name').notNull(),
  version: integer('version').notNull().default(1),
  profile: jsonb('profile').notNull(),
  createdAt: createdAt(),
});
