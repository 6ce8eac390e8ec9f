import { flags, PHASE_TIMEOUT_MS } from './parameters.js';

export class PhaseTimeout extends Error {}

let aborted = false;

/** Set once a phase times out, the run fails or a signal arrives: drivers stop at their next step. */
export const isAborted = () => aborted;
export const markAborted = () => {
  aborted = true;
};

/** Resolves with the phase, or rejects once it has run longer than the phase timeout. */
export async function bounded<T>(what: string, phase: Promise<T>): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      aborted = true;
      reject(new PhaseTimeout(`${what} ran longer than ${flags['phase-timeout-min']} min: aborted.`));
    }, PHASE_TIMEOUT_MS);
  });
  try {
    return await Promise.race([phase, timeout]);
  } finally {
    clearTimeout(timer);
  }
}
