/** Workflow time: Temporal makes Date deterministic inside workflows. */
export const nowIso = () => new Date().toISOString();
