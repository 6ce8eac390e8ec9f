import { createHash } from 'node:crypto';
import { nameUuid } from '../domain/name-uuid.js';
import { and, eq, inArray } from 'drizzle-orm';
import { commandTexts } from '../db/schema/index.js';
import { textRefSchema, type CommandTextKind, type TextRef } from '../domain/command-text.js';
import type { ApiDeps } from './deps.js';

/**
 * The API's side of command texts: it stores the text in the request, before the command reaches
 * the workflow, and reads it back where a person is shown it (the custody trail, the timeline).
 */
const sha256 = (body: string) => createHash('sha256').update(body, 'utf8').digest('hex');

/** Keeps a command's text and returns its reference; a retry (same batch, kind and text) finds the first row. */
export async function storeCommandText(deps: ApiDeps, text: { batchId: string; kind: CommandTextKind; body: string; createdBy: string }): Promise<TextRef> {
  const ref = { id: nameUuid(`v2v:command-text:${text.batchId}:${text.kind}:${sha256(text.body)}`), sha256: sha256(text.body) };
  await deps.db.insert(commandTexts).values({ ...text, ...ref }).onConflictDoNothing({ target: commandTexts.id });
  return ref;
}

/**
 * The texts a batch's references name, by id: only a row of that batch whose body still hashes to
 * the reference's hash, so a reference shows exactly the text it commits to, or nothing.
 */
export async function readCommandTexts(deps: ApiDeps, batchId: string, refs: readonly TextRef[]): Promise<Map<string, string>> {
  if (refs.length === 0) return new Map();
  const rows = await deps.db
    .select({ id: commandTexts.id, body: commandTexts.body })
    .from(commandTexts)
    .where(and(eq(commandTexts.batchId, batchId), inArray(commandTexts.id, refs.map((r) => r.id))));
  const wanted = new Map(refs.map((r) => [r.id, r.sha256]));
  return new Map(rows.filter((r) => wanted.get(r.id) === sha256(r.body)).map((r) => [r.id, r.body]));
}

/** The references a custody record's data holds: its `…Ref` fields, by the field they stand for (`reasonRef` → `reason`). */
function refsIn(data: unknown): [string, TextRef][] {
  if (!data || typeof data !== 'object' || Array.isArray(data)) return [];
  return Object.entries(data).flatMap(([key, value]) => {
    const ref = textRefSchema.safeParse(value);
    return key.endsWith('Ref') && ref.success ? [[key.slice(0, -'Ref'.length), ref.data] as [string, TextRef]] : [];
  });
}

/**
 * The stored texts each record's data references, by field (e.g. `{ reason: '…' }`), for records
 * that reference any: what a reader of the custody trail is shown beside the hashed record.
 */
export async function textsOfRecords(deps: ApiDeps, batchId: string, records: readonly { data: unknown }[]): Promise<(Record<string, string> | undefined)[]> {
  const refs = records.map((r) => refsIn(r.data));
  const texts = await readCommandTexts(deps, batchId, refs.flat().map(([, ref]) => ref));
  return refs.map((named) => {
    const found = named.flatMap(([field, ref]) => (texts.has(ref.id) ? [[field, texts.get(ref.id)!] as const] : []));
    return found.length === 0 ? undefined : Object.fromEntries(found);
  });
}
