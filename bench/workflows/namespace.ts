import { setTimeout as sleep } from 'node:timers/promises';
import type { Connection } from '@temporalio/client';
import { msToTs } from '@temporalio/common/lib/time.js';
import { NAMESPACE } from './parameters.js';

/** Registers the bench namespace if missing; true when this call registered it. */
export async function ensureNamespace(connection: Connection): Promise<boolean> {
  const exists = async () =>
    connection.withDeadline(Date.now() + 10_000, () => connection.workflowService.describeNamespace({ namespace: NAMESPACE })).then(
      () => true,
      (err: unknown) => {
        if ((err as { code?: number }).code === 5 /* NOT_FOUND */) return false;
        throw err;
      },
    );
  if (await exists()) return false;
  await connection.workflowService.registerNamespace({
    namespace: NAMESPACE,
    description: 'V2V benchmarks (bench/workflows/main.ts)',
    workflowExecutionRetentionPeriod: msToTs('1 day'),
  });
  for (let i = 0; !(await exists()); i++) {
    if (i > 120) throw new Error(`namespace ${NAMESPACE} registered but not visible after 60 s`);
    await sleep(500);
  }
  return true;
}
