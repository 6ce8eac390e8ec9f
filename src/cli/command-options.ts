import type { z } from 'zod';

/** A subcommand's options checked by its zod schema; a bad one stops it with a sentence naming each flag. */
export function parseCommandOptions<S extends z.ZodType>(schema: S, raw: Record<string, unknown>): z.infer<S> {
  const parsed = schema.safeParse(raw);
  if (!parsed.success) throw new Error(`Invalid options: ${parsed.error.issues.map((i) => `--${String(i.path[0])}: ${i.message}`).join('; ')}.`);
  return parsed.data;
}
