import type { Awaiting, BatchStatus } from '../../workflows/messages.js';

// The simulated partners of the digital twin: apheresis centre, couriers, manufacturing, QC, QA
// and the hospital scheduler, each answering what a batch waits for through the public API.

export const VALID_DIN = 'W123426000123';
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** A tiny JSON client of the V2V HTTP API. */
export function apiClient(baseUrl: string) {
  async function call(method: string, path: string, body?: unknown) {
    const res = await fetch(`${baseUrl}${path}`, {
      method,
      headers: body === undefined ? {} : { 'content-type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await res.text();
    return { status: res.status, body: text ? JSON.parse(text) : undefined };
  }
  return {
    call,
    batch: async (id: string) => {
      let res = await call('GET', `/v1/batches/${id}`);
      // 504 means no worker answered the query in time (one was just killed): a real client retries.
      for (let retry = 0; res.status === 504 && retry < 5; retry++) res = await call('GET', `/v1/batches/${id}`);
      if (res.status !== 200) throw new Error(`GET /v1/batches/${id} answered ${res.status}: ${JSON.stringify(res.body)}`);
      return res.body as BatchStatus & { custody: unknown[] };
    },
  };
}

type Client = ReturnType<typeof apiClient>;

/**
 * A client that knows nothing of the journey: it reads `awaiting` and answers it, as the
 * partners, couriers, QA and schedulers behind the API would. Returns the final detail.
 */
export interface PartnerOptions {
  stopAt?: (s: BatchStatus) => boolean;
  /** How long the partner takes to answer (real milliseconds); at once by default. */
  paceMs?: (awaiting: NonNullable<Awaiting>) => number;
  timeoutMs?: number;
}

export async function answerUntilDone(api: Client, batchId: string, coiId: string, options: PartnerOptions = {}) {
  const { stopAt, paceMs, timeoutMs = 120_000 } = options;
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const detail = await api.batch(batchId);
    const { awaiting } = detail;
    if (!awaiting || stopAt?.(detail)) return detail;
    // A timer is the batch's own wait, and a booking's window is computed for now: neither is paced.
    if (paceMs && awaiting.kind !== 'timer' && awaiting.kind !== 'infusion-booking') await sleep(paceMs(awaiting));
    const res = await answer(api, batchId, coiId, awaiting);
    if (res && res.status >= 400) throw new Error(`${JSON.stringify(awaiting)} answered ${res.status}: ${JSON.stringify(res.body)}`);
    if (awaiting.kind === 'milestone' || res === undefined) await untilAwaitingChanges(api, batchId, awaiting);
  }
  throw new Error(`batch ${batchId} did not finish in ${timeoutMs / 1000} s`);
}

async function answer(api: Client, batchId: string, coiId: string, awaiting: NonNullable<Awaiting>) {
  const signer = { name: 'Q. Person', role: 'qualified person' };
  const at = new Date().toISOString();
  switch (awaiting.kind) {
    case 'handoff':
      return api.call('POST', `/v1/batches/${batchId}/handoffs`, {
        step: awaiting.step, coiId, din: VALID_DIN, actor: { name: 'A. Courier', role: 'courier' }, location: `${awaiting.step} point`,
      });
    case 'milestone':
      return api.call('POST', `/v1/batches/${batchId}/milestones`, {
        milestone: awaiting.milestone, at, source: 'partner system', ...(awaiting.milestone === 'qc-complete' ? { data: { passed: true } } : {}),
      });
    case 'qa-disposition':
      return api.call('POST', `/v1/batches/${batchId}/qa-disposition`, { decision: 'release', signer, meaning: 'released for infusion' });
    case 'excursion-assessment':
      return api.call('POST', `/v1/batches/${batchId}/excursions/${encodeURIComponent(awaiting.excursionId)}/assessment`, {
        impact: 'none', signer, meaning: 'no impact on product quality',
      });
    case 'infusion-booking':
      return api.call('POST', `/v1/batches/${batchId}/infusion-booking`, { infusionDate: new Date(Date.parse(awaiting.earliest) + 500).toISOString() });
    case 'timer':
      await sleep(Math.max(Date.parse(awaiting.until) - Date.now(), 0) + 100);
      return undefined;
  }
}

async function untilAwaitingChanges(api: Client, batchId: string, before: Awaiting) {
  for (let i = 0; i < 300; i++) {
    const { awaiting } = await api.batch(batchId);
    if (JSON.stringify(awaiting) !== JSON.stringify(before)) return;
    await sleep(50);
  }
}
