import { HOUR_MS } from '../src/domain/profile.js';

/** Profile durations are real-world hours; V2V_TIME_SCALE compresses them (86400: a day is a second). */
export const scaledMs = (hours: number, timeScale: number) => (hours * HOUR_MS) / timeScale;

/** Workflow time: Temporal makes Date deterministic inside workflows. */
export const nowIso = () => new Date().toISOString();
