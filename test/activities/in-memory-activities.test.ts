import { randomUUID } from 'node:crypto';
import { productProfile } from '../../src/domain/profiles.js';
import { inMemoryActivities } from '../workflows/in-memory-activities.js';
import { describeBatchActivitiesContract } from './batch-activities-contract.js';

// The workflow tests' double, held to the contract the PostgreSQL activities keep.
describeBatchActivitiesContract('the in-memory double', async ({ chairs, lines, timeZone }) => {
  const sites = { apheresis: 'apheresis', facility: 'facility', infusion: 'infusion' };
  const productId = 'product-without-history';
  const fake = inMemoryActivities({
    sites: [
      { id: sites.apheresis, infusionChairs: 0, manufacturingLines: 0 },
      { id: sites.facility, infusionChairs: 0, manufacturingLines: lines },
      { id: sites.infusion, infusionChairs: chairs, manufacturingLines: 0, timezone: timeZone ?? 'UTC' },
    ],
    products: [{ ...productProfile('autologous-cd19-fresh'), id: productId }],
  });
  return {
    activities: fake.activities,
    sites,
    productId,
    newBatch: async () => randomUUID(),
    shipment: async (id) => {
      const s = fake.shipments.get(id);
      return s && { state: s.state, at: s.at };
    },
    alertsStored: async (key) => (fake.alerts.has(key) ? 1 : 0),
    stageOf: async (batchId) => fake.stageOf(batchId),
  };
});
