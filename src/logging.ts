import path from 'node:path';
import { pino, type Logger } from 'pino';
import { DefaultLogger, IllegalStateError, Runtime, type LogEntry, type LogLevel } from '@temporalio/worker';
import type { Config } from './config.js';

export type { Logger };

/**
 * Pseudonymous as it is, the hospital's patient reference identifies a person to the hospital, so
 * it must never reach a log line, even when a careless caller passes a whole body or row as a field.
 */
const REDACTED_PATHS = [
  'patientRef', '*.patientRef', '*.*.patientRef', 'patient_ref', '*.patient_ref', '*.*.patient_ref',
  // Transport secrets (src/transport.ts), should a config or a client's options ever be logged.
  'KAFKA_SASL_PASSWORD', '*.KAFKA_SASL_PASSWORD', 'TEMPORAL_API_KEY', '*.TEMPORAL_API_KEY', 'sasl.password', '*.sasl.password', 'apiKey', '*.apiKey',
  'V2V_GATEWAY_KEY_SECRET', '*.V2V_GATEWAY_KEY_SECRET',
];

/**
 * One JSON logger per process; `name` says which process (api, worker, ingest, cli) wrote a line.
 * To stdout by default, or appended to `file` (a console meant for people keeps its lines readable).
 */
export function createLogger(config: Pick<Config, 'LOG_LEVEL'>, name: string, file?: string): Logger {
  const options = {
    name,
    level: config.LOG_LEVEL,
    redact: { paths: REDACTED_PATHS, censor: '[redacted]' },
    // Log collectors key on readable times; epoch milliseconds are pino's default.
    timestamp: pino.stdTimeFunctions.isoTime,
  };
  // Synchronous to the file: a command stopped by Ctrl-C keeps its last lines.
  return file ? pino(options, pino.destination({ dest: file, mkdir: true, sync: true })) : pino(options);
}

/**
 * Where a command that talks to people writes its JSON log: a file under the stack's logs when a
 * person watches the console (a TTY), the console itself when a program reads it.
 */
export const peopleFirstLogFile = (isTTY: boolean | undefined, logsDir: string, name: string): string | undefined =>
  isTTY ? path.join(logsDir, `${name}.log`) : undefined;

const TEMPORAL_TO_PINO: Record<LogLevel, 'trace' | 'debug' | 'info' | 'warn' | 'error'> = {
  TRACE: 'trace',
  DEBUG: 'debug',
  INFO: 'info',
  WARN: 'warn',
  ERROR: 'error',
};

const PINO_TO_TEMPORAL: Record<string, LogLevel> = { trace: 'TRACE', debug: 'DEBUG', info: 'INFO', warn: 'WARN', error: 'ERROR' };

/**
 * Routes the Temporal SDK's logs (worker, workflow and activity loggers, and the Rust core's own
 * lines, forwarded) into `logger`, so an operator reads one stream per process. Must run before
 * the first NativeConnection or Worker is created: the Runtime is installed once per process, so
 * a second call (or one after a test harness installed its own) keeps the first and returns false.
 */
export function installTemporalLogging(logger: Logger): boolean {
  const level = PINO_TO_TEMPORAL[logger.level] ?? 'INFO';
  const temporal = logger.child({ component: 'temporal' });
  try {
    install(level, temporal);
    return true;
  } catch (err) {
    if (err instanceof IllegalStateError) return false;
    throw err;
  }
}

function install(level: LogLevel, temporal: Logger) {
  Runtime.install({
    logger: new DefaultLogger(level, (entry: LogEntry) => {
      temporal[TEMPORAL_TO_PINO[entry.level]]({ ...entry.meta }, entry.message);
    }),
    telemetryOptions: {
      // Core is chatty below WARN; its INFO lines are mostly poller churn an operator cannot act on.
      logging: { filter: { core: level === 'TRACE' || level === 'DEBUG' ? level : 'WARN', other: 'WARN' }, forward: {} },
    },
  });
}
