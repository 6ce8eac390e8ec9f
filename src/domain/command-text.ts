import { z } from 'zod';

/**
 * Free text never enters a workflow: the API keeps it in PostgreSQL (command_texts) and the
 * command carries this reference instead. The hash commits whoever holds the reference (the
 * workflow's history, the custody chain) to the exact text, without carrying the text itself.
 * Pure and free of Node modules, as the workflow bundle imports the schema.
 */
export const COMMAND_TEXT_KINDS = ['cancel-reason', 'milestone-data', 'handoff-location', 'qa-meaning', 'qa-reason', 'assessment-meaning'] as const;
export type CommandTextKind = (typeof COMMAND_TEXT_KINDS)[number];

export const textRefSchema = z
  .object({
    id: z.uuid(),
    sha256: z.string().regex(/^[0-9a-f]{64}$/, 'a SHA-256 in lower-case hex'),
  })
  .strict()
  .describe('A stored text: its row in command_texts and the SHA-256 of its body.');
export type TextRef = z.infer<typeof textRefSchema>;

/**
 * What the journey reads from a milestone's partner data (evolve, chain, the equipment link): ids,
 * days and a verdict, never free text. Only these keys travel with the milestone signal; the
 * rest stays in PostgreSQL behind `dataRef`.
 */
export const MILESTONE_FACT_KEYS = ['equipmentId', 'passed', 'proposedDay', 'collectionDay'] as const;

/** The keys of `data` the journey reads, each only with the type it reads it as (checked at the edge). */
export function milestoneFacts(data: Record<string, unknown>): Record<string, string | boolean> {
  const facts: Record<string, string | boolean> = {};
  for (const key of MILESTONE_FACT_KEYS) {
    const value = data[key];
    if (key === 'passed' ? typeof value === 'boolean' : typeof value === 'string') facts[key] = value as string | boolean;
  }
  return facts;
}
