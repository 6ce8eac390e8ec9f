import { alerts } from '../src/db/schema/index.js';
import type { ActivityDeps } from './deps.js';
import type { BatchActivities } from './types.js';

/** Alerts for coordinators, stored once per key and logged once (the first time it is stored). */
export function alertActivities({ db, log }: ActivityDeps): Pick<BatchActivities, 'notify'> {
  return {
    async notify({ key, batchId, severity, kind, message }) {
      const stored = await db
        .insert(alerts)
        .values({ key, batchId, severity, kind, message })
        .onConflictDoNothing({ target: alerts.key })
        .returning({ id: alerts.id });
      if (stored.length > 0) log?.('alert', { alertId: stored[0]!.id, key, batchId, severity, kind, message });
    },
  };
}
