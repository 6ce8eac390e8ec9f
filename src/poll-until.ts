/**
 * V2V's one wait-and-poll: the stack waiting for a service it started, the live driver waiting for
 * the running system to act on what it sent, the tests waiting for an effect. At the top of src/
 * because src/stack, src/live and the tests all use it and none of them is below the others.
 */

/** How long to ask, how often, and what to add when the time runs out. */
export interface PollOptions {
  /** The wait gives up after this long, rejecting with a `PollTimeout`. */
  timeoutMs: number;
  /** Between two asks; 100 ms unless given. */
  intervalMs?: number;
  /**
   * A probe that throws has not answered yet (a server still starting), and its last error goes
   * into the timeout's message. Without it, a throw ends the wait at once: a broken probe should
   * not pass for a slow one.
   */
  retryErrors?: boolean;
  /** Said below the timeout's first line: the log to read, the state last seen. */
  context?: () => string;
}

/** A wait that ran out; callers for whom that is fine catch this and only this. */
export class PollTimeout extends Error {
  override name = 'PollTimeout';
}

/** What a probe answers while the awaited thing has not happened. */
type NotYet = undefined | null | false;

/**
 * Asks `probe` every `intervalMs` until it answers anything but `undefined`, `null` or `false`,
 * and resolves to that answer, so a probe can hand back what it saw. After `timeoutMs` it rejects
 * with a `PollTimeout` naming `what` ("Timed out after 30 s waiting for <what>").
 */
export async function pollUntil<T>(what: string, probe: () => Promise<T | NotYet>, options: PollOptions): Promise<T> {
  const { timeoutMs, intervalMs = 100, retryErrors = false, context } = options;
  const deadline = Date.now() + timeoutMs;
  let lastError: unknown;
  for (;;) {
    try {
      const answer = await probe();
      if (answer !== undefined && answer !== null && answer !== false) return answer;
    } catch (err) {
      if (!retryErrors) throw err;
      lastError = err;
    }
    if (Date.now() >= deadline) {
      const reason = lastError === undefined ? '' : ` (last error: ${lastError instanceof Error ? lastError.message : String(lastError)})`;
      const more = context ? `\n${context()}` : '';
      throw new PollTimeout(`Timed out after ${timeoutMs / 1000} s waiting for ${what}${reason}${more}`);
    }
    await new Promise((resolve) => setTimeout(resolve, intervalMs));
  }
}
