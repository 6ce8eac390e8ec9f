import { DefaultLogger, Runtime } from '@temporalio/worker';

// The SDK logs every bundle and worker state change at INFO; tests keep warnings and errors only.
try {
  Runtime.install({ logger: new DefaultLogger('WARN') });
} catch {
  // Already installed in this process by an earlier test file: keep it.
}
