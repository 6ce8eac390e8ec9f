import { Client, Connection } from '@temporalio/client';
import type { Config } from '../config.js';
import { temporalTransport } from '../transport.js';
import { createDatabase, requireDatabaseUrl } from '../db/client.js';
import type { Logger } from '../logging.js';
import { buildApp } from './app.js';
import { checkedVerifier } from './auth/identity-state.js';
import { tokenVerifierFromConfig } from './auth/verifier.js';
import { startEnrolmentReconciler } from './enrolment-reconciler.js';

export interface ApiServer {
  url: string;
  close(): Promise<void>;
}

/**
 * Connects to PostgreSQL and Temporal, listens on V2V_API_PORT and returns a handle whose close()
 * stops taking requests, lets in-flight ones finish, then releases the connections.
 */
export async function startApiServer(options: { config: Config; logger: Logger; port?: number }): Promise<ApiServer> {
  const { config, logger } = options;
  const { db, pool } = createDatabase(requireDatabaseUrl(config.DATABASE_URL));
  let connection: Connection | undefined;
  try {
    connection = await Connection.connect(temporalTransport(config));
    const temporal = new Client({ connection, namespace: config.TEMPORAL_NAMESPACE });
    // Signature and lifetime first, then whether the token was revoked or its user disabled (a row read per request).
    const verifyToken = checkedVerifier(await tokenVerifierFromConfig(config), db);
    const deps = { temporal, db, pool, config, logger, verifyToken };
    const app = buildApp(deps);
    const url = await app.listen({ host: config.V2V_API_HOST, port: options.port ?? config.V2V_API_PORT });
    const identityProvider = config.V2V_AUTH_JWKS_URL ? config.V2V_AUTH_ISSUER : 'local key set (development)';
    logger.info({ url, host: config.V2V_API_HOST, identityProvider }, 'API listening; /v1 routes require a bearer token');

    // Finishes enrolments whose workflow start failed or whose process died between row and start.
    const reconciler = startEnrolmentReconciler(deps);

    const openConnection = connection;
    return {
      url,
      async close() {
        await reconciler.stop();
        await app.close();
        await openConnection.close();
        await pool.end();
      },
    };
  } catch (err) {
    await connection?.close().catch(() => undefined);
    await pool.end().catch(() => undefined);
    throw err;
  }
}

/** Runs until SIGINT or SIGTERM, then shuts down gracefully; a second signal exits at once. */
export async function runApiServer(options: { config: Config; logger: Logger }): Promise<void> {
  // Listening before start-up, so a signal that arrives while connecting still closes cleanly.
  const stopRequested = new Promise<NodeJS.Signals>((resolve) => {
    const stop = (signal: NodeJS.Signals) => {
      process.off('SIGINT', stop);
      process.off('SIGTERM', stop);
      process.once('SIGINT', () => process.exit(130));
      process.once('SIGTERM', () => process.exit(143));
      resolve(signal);
    };
    process.on('SIGINT', stop);
    process.on('SIGTERM', stop);
  });
  const server = await startApiServer(options);
  const signal = await stopRequested;
  options.logger.info({ signal }, 'API shutting down: finishing requests in flight');
  await server.close();
  options.logger.info('API stopped');
}
