import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config.js';
import { portClashes, productionPorts } from '../../src/stack/production-ports.js';
import { stackContext } from '../../src/stack/stack.js';
import { temporalServerConfig } from '../../src/stack/temporal-server-config.js';
import { forgetTopology, rememberTopology } from '../../src/stack/topology.js';

describe('the production topology’s ports', () => {
  it('derives every port from the configured ones: the n-th broker, API and ingest at + 2(n−1), Temporal’s services at + 1 … + 7', () => {
    const ports = productionPorts(loadConfig({ V2V_KAFKA_PORT: '19140', V2V_KAFKA_CONTROLLER_PORT: '19141', V2V_TEMPORAL_PORT: '17259', V2V_API_PORT: '3130', V2V_INGEST_PORT: '3131' }));
    expect(ports.brokers).toEqual([
      { id: 1, port: 19140, controller: 19141 },
      { id: 2, port: 19142, controller: 19143 },
      { id: 3, port: 19144, controller: 19145 },
    ]);
    expect(ports.temporal.frontend).toEqual({ grpc: 17259, membership: 17263 });
    expect(Object.values(ports.temporal).flatMap((p) => [p.grpc, p.membership]).sort()).toEqual([17259, 17260, 17261, 17262, 17263, 17264, 17265, 17266]);
    expect(ports.api).toEqual([3130, 3132]);
    expect(ports.ingest).toEqual([3131, 3133]);
    expect(portClashes(ports)).toEqual([]);
  });

  it('names the parts that would share a port, and lets ingest take any free port when asked', () => {
    const clash = productionPorts(loadConfig({ V2V_KAFKA_PORT: '19092', V2V_KAFKA_CONTROLLER_PORT: '19094', V2V_INGEST_PORT: '0' }));
    expect(clash.ingest).toEqual([0, 0]);
    expect(portClashes(clash)).toEqual(['port 19094 for Kafka controller 1 and Kafka broker 2', 'port 19096 for Kafka controller 2 and Kafka broker 3']);
  });
});

describe('the Temporal server’s configuration', () => {
  const yaml = temporalServerConfig({
    ports: productionPorts(loadConfig({ V2V_TEMPORAL_PORT: '17259' })).temporal,
    db: { host: '127.0.0.1', port: 54359, user: 'temporal', password: 'temporal', main: 'temporal', visibility: 'temporal_visibility' },
    dynamicConfigFile: '/stack/temporal-server/config/dynamic.yaml',
    logLevel: 'warn',
    tls: { ca: '/tls/ca.pem', server: { cert: '/tls/server.pem', key: '/tls/server-key.pem' }, serverName: 'localhost' },
  });

  it('persists to both PostgreSQL databases with the postgres12 plugin and puts each service on its derived ports', () => {
    expect(yaml.match(/pluginName: "postgres12"/g)).toHaveLength(2);
    expect(yaml).toContain('databaseName: "temporal_visibility"');
    expect(yaml).toContain('connectAddr: "127.0.0.1:54359"');
    expect(yaml).toMatch(/frontend:\n {4}rpc:\n {6}grpcPort: 17259\n {6}membershipPort: 17263/);
    expect(yaml).toMatch(/worker:\n {4}rpc:\n {6}grpcPort: 17262\n {6}membershipPort: 17266/);
    expect(yaml).toContain('rpcAddress: "127.0.0.1:17259"');
  });

  it('asks every gRPC client, outside (frontend) and inside (internode), for a certificate of the stack’s CA, and presents its own to itself', () => {
    const mutual = /server:\n {8}certFile: "\/tls\/server.pem"\n {8}keyFile: "\/tls\/server-key.pem"\n {8}requireClientAuth: true\n {8}clientCaFiles: \["\/tls\/ca.pem"\]/g;
    expect(yaml.match(mutual)).toHaveLength(2);
    expect(yaml).toMatch(/ {4}internode:\n {6}server:/);
    expect(yaml).toMatch(/ {4}frontend:\n {6}server:/);
    expect(yaml).toMatch(/systemWorker:\n {6}certFile: "\/tls\/server.pem"\n {6}keyFile: "\/tls\/server-key.pem"\n {6}client:\n {8}serverName: "localhost"\n {8}rootCaFiles: \["\/tls\/ca.pem"\]/);
  });
});

describe('the stack’s topology', () => {
  it('is V2V_TOPOLOGY when given, else the one the stack was brought up with, else dev', () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'v2v-topology-'));
    expect(stackContext(loadConfig({ V2V_STACK_DIR: dir })).topology).toBe('dev');
    rememberTopology(stackContext(loadConfig({ V2V_STACK_DIR: dir })).paths, 'production');
    expect(stackContext(loadConfig({ V2V_STACK_DIR: dir })).topology).toBe('production');
    expect(stackContext(loadConfig({ V2V_STACK_DIR: dir, V2V_TOPOLOGY: 'dev' })).topology).toBe('dev');
    forgetTopology(stackContext(loadConfig({ V2V_STACK_DIR: dir })).paths);
    expect(stackContext(loadConfig({ V2V_STACK_DIR: dir })).topology).toBe('dev');
  });

  it('counts the three brokers’ exported list as the stack’s own, not as Kafka given by the environment', () => {
    const own = loadConfig({ KAFKA_BROKERS: '127.0.0.1:19092,127.0.0.1:19094,127.0.0.1:19096' });
    expect(stackContext(own).config).not.toHaveProperty('KAFKA_BROKERS');
    const elsewhere = loadConfig({ KAFKA_BROKERS: 'b1:9092,b2:9092,b3:9092' });
    expect(stackContext(elsewhere).config.KAFKA_BROKERS).toBe('b1:9092,b2:9092,b3:9092');
  });
});
