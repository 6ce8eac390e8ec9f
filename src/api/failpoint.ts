import type { Config, Failpoint } from '../config.js';
import type { Logger } from '../logging.js';

/**
 * Tests only: when V2V_FAILPOINT names this step, log "failpoint reached" and never return, so a test
 * can SIGKILL the process exactly there (test/api/enrolment-kill.int.test.ts). Unset, it does nothing.
 */
export async function failpoint(deps: { config: Pick<Config, 'V2V_FAILPOINT'>; logger: Logger }, step: Failpoint, context: Record<string, unknown> = {}): Promise<void> {
  if (deps.config.V2V_FAILPOINT !== step) return;
  deps.logger.warn({ ...context, failpoint: step }, 'failpoint reached');
  await new Promise<never>(() => undefined);
}
