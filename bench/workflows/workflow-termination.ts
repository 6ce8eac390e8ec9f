import type { Client } from '@temporalio/client';
import { startedIds } from './driver-tally.js';
import { NAMESPACE } from './parameters.js';
import { pool } from './pool.js';

/** Terminates the given workflows if still open (their shipment legs close with them); returns how many were. */
export async function terminate(client: Client, ids: readonly string[], reason: string): Promise<number> {
  let n = 0;
  await pool(ids.length, 16, async (i) => {
    if (await client.workflow.getHandle(ids[i]!).terminate(reason).then(() => true, () => false)) n++;
  });
  return n;
}

/** After an abort, none of the workflows this run started is left open. */
export async function terminateOpen(client: Client) {
  const n = await terminate(client, startedIds, 'bench aborted');
  console.error(`terminated ${n} open workflows in namespace ${NAMESPACE}`);
}
