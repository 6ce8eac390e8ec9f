import { describe, expect, it } from 'vitest';
import { ensureRetrainSchedule, RETRAIN_WORKFLOW_TYPE } from '../../src/forecast/retrain/schedule.js';
import { unique } from '../setup/services.js';
import { useTemporalClient } from '../setup/temporal-client.js';

describe('the weekly retraining Schedule', () => {
  const temporal = useTemporalClient();

  it('is created once and brought to the running code on every later start', async () => {
    const scheduleId = unique('retrain-schedule');
    const taskQueue = unique('retrain');
    try {
      expect(await ensureRetrainSchedule(temporal.client, { scheduleId, taskQueue, source: 'real' })).toBe('created');
      expect(await ensureRetrainSchedule(temporal.client, { scheduleId, taskQueue, source: 'simulated' })).toBe('updated');

      const described = await temporal.client.schedule.getHandle(scheduleId).describe();
      expect(described.spec.calendars).toEqual([expect.objectContaining({ dayOfWeek: [{ start: 'MONDAY', end: 'MONDAY', step: 1 }], hour: [{ start: 3, end: 3, step: 1 }] })]);
      expect(described.action).toMatchObject({ type: 'startWorkflow', workflowType: RETRAIN_WORKFLOW_TYPE, taskQueue, args: [{ source: 'simulated' }] });
      expect(described.policies.overlap).toBe('SKIP');
      // Weekly: the next action is within 7 days, and the one after is 7 days later.
      const [next, after] = described.info.nextActionTimes;
      expect(next!.getTime() - Date.now()).toBeLessThanOrEqual(7 * 86_400_000);
      expect(after!.getTime() - next!.getTime()).toBe(7 * 86_400_000);
    } finally {
      await temporal.client.schedule.getHandle(scheduleId).delete().catch(() => undefined);
    }
  });
});
