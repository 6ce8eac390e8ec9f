import { createApiClient } from '../../src/api/client/index.js';
import { serviceReferenceBioreactors } from '../../src/live/service-reference-units.js';
import { sleep } from '../../src/stack/daemon.js';

/** Real seconds between the crew's rounds: three simulated days at the run's 86400×. */
const ROUND_MS = 3_000;

/**
 * The facility's maintenance crew. The reference bioreactors age a simulated day every second and
 * their risk forecast opens a maintenance ticket on each in turn; an open ticket takes its line out
 * of planning. With nobody to service them, every line was closed within two minutes of a run, and
 * the waitlisted batches waited for capacity that could never come back (seen as "stuck" batches
 * in ORDERED). A crew services each unit with an open ticket through the API, as its administrator
 * does, every few simulated days. A round that meets a fault is simply tried again at the next.
 */
export function startMaintenanceCrew(apiUrl: string, adminToken: string): { serviced: () => number; stop: () => Promise<void> } {
  const admin = createApiClient({ baseUrl: apiUrl, token: adminToken });
  let running = true;
  let serviced = 0;
  const loop = (async () => {
    while (running) {
      serviced += await serviceReferenceBioreactors(admin).then((units) => units.length, () => 0);
      await sleep(ROUND_MS);
    }
  })();
  return {
    serviced: () => serviced,
    stop: async () => {
      running = false;
      await loop;
    },
  };
}
