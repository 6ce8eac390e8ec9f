import { z } from 'zod';
import { instant } from '../../domain/instant.js';
import { custodyRecordSchema } from './batch.js';

/** Shapes of GET /v1/batches/{id}/custody: the chain's records and whether the chain still holds. */
export const custodyChainRecordSchema = custodyRecordSchema
  .extend({
    data: z.unknown().describe('What the record attests (a decision, an assessment, a handoff’s details).'),
    recordedAt: instant,
    prevHash: z.string().nullable(),
    texts: z
      .record(z.string(), z.string())
      .optional()
      .describe('The stored texts the data references (a cancellation’s or a QA rejection’s `reasonRef` → `reason`, a hand-off’s `locationRef` → `location`, a QA signer’s own words `meaningRef` → `meaning`), each matching its reference’s SHA-256. Outside the hash: the reference in `data` is what the chain commits to.'),
  })
  .meta({ id: 'CustodyChainRecord' });

export const custodyVerificationSchema = z
  .discriminatedUnion('verified', [
    z.object({ verified: z.literal(true) }),
    z.object({
      verified: z.literal(false),
      brokenAt: z.object({ seq: z.number().int(), recordId: z.number().int().nullable().describe('null when the record is missing (a deleted tail or chain)'), problem: z.string() }).describe('The first record that does not hold; every later link is suspect too.'),
    }),
  ])
  .meta({ id: 'CustodyVerification' });

export const custodyChainSchema = z
  .object({
    batchId: z.string(),
    records: z.array(custodyChainRecordSchema).describe('Oldest first.'),
    verification: custodyVerificationSchema.describe('The hash chain recomputed now, as `v2v audit verify` does.'),
  })
  .meta({ id: 'CustodyChain' });
