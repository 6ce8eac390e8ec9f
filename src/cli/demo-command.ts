import { Command } from 'commander';
import type { Config } from '../config.js';
import { requireDatabaseUrl } from '../db/client.js';
import { prepareDatabase } from './migrate-command.js';
import { createLogger } from '../logging.js';
import { answerUntilDone, apiClient } from '../sim/partners.js';
import { realisticDelayDays } from '../sim/pace.js';
import { DAY_MS, type ProductProfile } from '../domain/profile.js';
import { formatTable, stackContext, stackUp } from '../stack/stack.js';
import { configWithStack } from './stack-env.js';

const DEMO_TIME_SCALE = 86_400;
const PRODUCTS = ['autologous-cd19-fresh', 'autologous-bcma-cryo'];

/**
 * What V2V does, end to end, in about a minute: the real services, a worker and the API in this
 * process, and one batch of each product driven from enrolment to infusion by simulated partners
 * who only answer what each batch says it is waiting for. A simulated day lasts one second.
 */
export function demoCommand(config: () => Config): Command {
  return new Command('demo')
    .description('start the stack, a worker and the API, and take one batch of each product vein to vein (a day lasts a second)')
    .action(async () => {
      const ctx = stackContext(config());
      console.log(formatTable(await stackUp(ctx)));
      const resolved = { ...configWithStack(ctx.config), V2V_TIME_SCALE: DEMO_TIME_SCALE, LOG_LEVEL: 'warn' as const };
      await prepareDatabase(requireDatabaseUrl(resolved.DATABASE_URL));
      const logger = createLogger(resolved, 'demo');

      const { runWorker } = await import('../worker/run-worker.js');
      const { startApiServer } = await import('../api/server.js');
      const stopWorker = new AbortController();
      const worker = runWorker({ config: resolved, logger, signal: stopWorker.signal });
      const server = await startApiServer({ config: resolved, logger });
      console.log(`\nAPI ${server.url} (docs at ${server.url}/docs), worker running, ${DEMO_TIME_SCALE} simulated seconds per second\n`);
      try {
        const api = apiClient(server.url);
        const outcomes = await Promise.allSettled(PRODUCTS.map((productId) => journey(api, productId)));
        const failed = outcomes.flatMap((o) => (o.status === 'rejected' ? [String(o.reason)] : []));
        if (failed.length > 0) throw new Error(`the demo did not finish: ${failed.join('; ')}`);
      } finally {
        await server.close();
        stopWorker.abort();
        await worker;
      }
      console.log('\nThe stack keeps running (`npx v2v stack down` stops it); `npx v2v audit verify` re-checks every custody chain.');
    });
}

async function journey(api: ReturnType<typeof apiClient>, productId: string) {
  const enrolled = await api.call('POST', '/v1/batches', {
    productId, apheresisCenterId: 'city-hospital-apheresis', treatmentCenterId: 'city-hospital-infusion', patientRef: `demo-${Date.now()}`,
  });
  if (enrolled.status !== 201) throw new Error(`enrolment failed: ${JSON.stringify(enrolled.body)}`);
  const { batchId, coiId } = enrolled.body as { batchId: string; coiId: string };
  console.log(`${productId}: batch ${batchId}, COI ${coiId} enrolled`);
  const { products } = (await api.call('GET', '/v1/products')).body as { products: { id: string; profile: ProductProfile }[] };
  const profile = products.find((p) => p.id === productId)!.profile;
  let last = '';
  const done = await answerUntilDone(api, batchId, coiId, {
    stopAt: (s) => {
      if (s.stage !== last) console.log(`  ${productId.padEnd(22)} ${(last = s.stage)}${s.forecast ? `  (ready P50 ${s.forecast.readyP50.slice(0, 19)}, ${s.forecast.method})` : ''}`);
      return false;
    },
    // Partners take as long as they would in the real world, a day per second.
    paceMs: (awaiting) => (realisticDelayDays(profile, awaiting) * DAY_MS) / DEMO_TIME_SCALE,
    timeoutMs: 300_000,
  });
  const days = (Date.parse(done.timeline.at(-1)!.at) - Date.parse(done.timeline[0]!.at)) / 1000;
  console.log(`${productId}: ${done.stage} after about ${days.toFixed(0)} simulated days; ${done.custody.length} custody records, hash-chained`);
}
