import type { ExcursionChange } from '../../../domain/batch/index.js';
import { iso } from '../../../domain/instant.js';
import type { BatchAgent } from '../batch-agent.js';
import { sample } from '../sample.js';

/**
 * An excursion or a telemetry gap on a device that carries the batch, as ingest would signal it:
 * opened at a random moment of the window, closed when it is over. Only the state changes reach
 * the batch, never readings (DESIGN §3).
 */
export function planSensorIssue(agent: BatchAgent, kind: ExcursionChange['kind'], deviceId: string, from: number, to: number, metric?: string, durationMs?: number) {
  const openAt = from + agent.rng.uniform() * Math.max(to - from, 0);
  const lasts = durationMs ?? sample(agent.world.scenario.sensors.excursionMinutes, agent.rng) * 60_000;
  const excursionId = `${deviceId}:${kind}:${Math.round(openAt / 1000)}`;
  const change = (c: 'opened' | 'closed', at: number): ExcursionChange => ({ excursionId, change: c, kind, deviceId, at: iso(at), ...(metric ? { metric } : {}) });
  agent.world.queue.at(openAt, () => agent.signal({ type: 'excursion', change: change('opened', openAt), at: iso(openAt) }));
  agent.world.queue.at(openAt + lasts, () => agent.signal({ type: 'excursion', change: change('closed', openAt + lasts), at: iso(openAt + lasts) }));
}
