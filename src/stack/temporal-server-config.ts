import type { TemporalPorts } from './production-ports.js';
import type { Certificate } from './stack-tls.js';

/** Where the Temporal server persists: two databases on one PostgreSQL, as its own login. */
export interface TemporalDatabases {
  host: string;
  port: number;
  user: string;
  password: string;
  /** Workflow histories, task queues, namespaces, cluster membership. */
  main: string;
  /** What List and Count workflow executions search. */
  visibility: string;
}

export const TEMPORAL_DATABASES = { main: 'temporal', visibility: 'temporal_visibility' } as const;

/**
 * Histories are spread over this many shards, fixed for the life of the databases: changing it later
 * means a new cluster. Four is plenty for one machine; a production cluster sizes it (e.g. 512) once.
 */
export const HISTORY_SHARDS = 4;

const quote = (value: string) => JSON.stringify(value);

function datastore(db: TemporalDatabases, database: string, maxConns: number): string {
  return [
    `      sql:`,
    `        pluginName: "postgres12"`,
    `        databaseName: ${quote(database)}`,
    `        connectAddr: ${quote(`${db.host}:${db.port}`)}`,
    `        connectProtocol: "tcp"`,
    `        user: ${quote(db.user)}`,
    `        password: ${quote(db.password)}`,
    `        maxConns: ${maxConns}`,
    `        maxIdleConns: ${maxConns}`,
    `        maxConnLifetime: "1h"`,
  ].join('\n');
}

function service(name: string, ports: { grpc: number; membership: number }): string {
  return [`  ${name}:`, `    rpc:`, `      grpcPort: ${ports.grpc}`, `      membershipPort: ${ports.membership}`, `      bindOnLocalHost: true`].join('\n');
}

/** Mutual TLS everywhere the server listens for gRPC: its certificate, the CA it trusts, the name its certificate carries. */
export interface TemporalTls {
  ca: string;
  server: Certificate;
  serverName: string;
}

/**
 * The frontend, and the services among themselves (internode), each ask for a client certificate
 * signed by the stack's CA: the server presents its own to itself (internode, its system workers),
 * V2V's processes theirs. Ringpop's membership traffic has no TLS in Temporal; it stays on loopback.
 */
function tlsSection(tls: TemporalTls): string {
  const server = [
    `        certFile: ${quote(tls.server.cert)}`,
    `        keyFile: ${quote(tls.server.key)}`,
    `        requireClientAuth: true`,
    `        clientCaFiles: [${quote(tls.ca)}]`,
  ];
  const client = [`        serverName: ${quote(tls.serverName)}`, `        rootCaFiles: [${quote(tls.ca)}]`];
  return [
    `  tls:`,
    `    internode:`,
    `      server:`, ...server,
    `      client:`, ...client,
    `    frontend:`,
    `      server:`, ...server,
    `      client:`, ...client,
    `    systemWorker:`,
    `      certFile: ${quote(tls.server.cert)}`,
    `      keyFile: ${quote(tls.server.key)}`,
    `      client:`, ...client,
  ].join('\n');
}

/**
 * The server's static configuration: all four services in one process, each on its own ports,
 * persisting to PostgreSQL (plugin postgres12, default and visibility stores), mutual TLS (above), no
 * metrics listener, no pprof, no archival. Written on every start, so changed ports take effect.
 */
export function temporalServerConfig(options: { ports: TemporalPorts; db: TemporalDatabases; dynamicConfigFile: string; logLevel: string; tls: TemporalTls }): string {
  const { ports, db } = options;
  return `# Written by v2v stack up --topology production; edits are overwritten.
log:
  stdout: true
  level: ${quote(options.logLevel)}

persistence:
  defaultStore: postgres-default
  visibilityStore: postgres-visibility
  numHistoryShards: ${HISTORY_SHARDS}
  datastores:
    postgres-default:
${datastore(db, db.main, 20)}
    postgres-visibility:
${datastore(db, db.visibility, 4)}

global:
  membership:
    maxJoinDuration: 30s
    broadcastAddress: "127.0.0.1"
${tlsSection(options.tls)}

services:
${service('frontend', ports.frontend)}
${service('history', ports.history)}
${service('matching', ports.matching)}
${service('worker', ports.worker)}

clusterMetadata:
  enableGlobalNamespace: false
  failoverVersionIncrement: 10
  masterClusterName: "active"
  currentClusterName: "active"
  clusterInformation:
    active:
      enabled: true
      initialFailoverVersion: 1
      rpcName: "frontend"
      rpcAddress: "127.0.0.1:${ports.frontend.grpc}"

dcRedirectionPolicy:
  policy: "noop"

dynamicConfigClient:
  filepath: ${quote(options.dynamicConfigFile)}
  pollInterval: "10s"
`;
}

/** Dynamic configuration: only what V2V relies on, stated so an operator sees it. */
export const TEMPORAL_DYNAMIC_CONFIG = `# Written by v2v stack up --topology production; edits are overwritten.
# The API answers milestone commands through workflow updates.
frontend.enableUpdateWorkflowExecution:
  - value: true
`;
