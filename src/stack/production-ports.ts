import type { Config } from '../config.js';

type PortConfig = Pick<Config, 'V2V_KAFKA_PORT' | 'V2V_KAFKA_CONTROLLER_PORT' | 'V2V_TEMPORAL_PORT' | 'V2V_API_PORT' | 'V2V_INGEST_PORT'>;

/** How many of each V2V process the production topology runs, and how many Kafka brokers. */
export const REPLICAS = 2;
export const BROKERS = 3;

export interface BrokerPorts {
  id: number;
  port: number;
  controller: number;
}

/** The Temporal server's four services, each with its gRPC and its membership (ringpop) port. */
export interface TemporalPorts {
  frontend: { grpc: number; membership: number };
  history: { grpc: number; membership: number };
  matching: { grpc: number; membership: number };
  worker: { grpc: number; membership: number };
}

export interface ProductionPorts {
  brokers: BrokerPorts[];
  temporal: TemporalPorts;
  api: number[];
  /** 0 when V2V_INGEST_PORT is 0: each ingest process then takes any free port. */
  ingest: number[];
}

/**
 * Every port of the production topology, derived from the configured ones so that two stacks with
 * different V2V_*_PORT values never meet: the n-th Kafka broker (and its controller) and the n-th
 * API and ingest process take the configured port + 2(n−1); the Temporal server's other services
 * take V2V_TEMPORAL_PORT + 1 … + 7.
 */
export function productionPorts(config: PortConfig): ProductionPorts {
  const nth = (base: number, n: number) => base + 2 * n;
  const t = config.V2V_TEMPORAL_PORT;
  return {
    brokers: Array.from({ length: BROKERS }, (_, n) => ({ id: n + 1, port: nth(config.V2V_KAFKA_PORT, n), controller: nth(config.V2V_KAFKA_CONTROLLER_PORT, n) })),
    temporal: {
      frontend: { grpc: t, membership: t + 4 },
      history: { grpc: t + 1, membership: t + 5 },
      matching: { grpc: t + 2, membership: t + 6 },
      worker: { grpc: t + 3, membership: t + 7 },
    },
    api: Array.from({ length: REPLICAS }, (_, n) => nth(config.V2V_API_PORT, n)),
    ingest: Array.from({ length: REPLICAS }, (_, n) => (config.V2V_INGEST_PORT === 0 ? 0 : nth(config.V2V_INGEST_PORT, n))),
  };
}

/** The ports of `productionPorts` that two parts would share, with what claims them; empty when none. */
export function portClashes(ports: ProductionPorts): string[] {
  const claims = new Map<number, string[]>();
  const claim = (port: number, what: string) => {
    if (port !== 0 && port <= 65535) claims.set(port, [...(claims.get(port) ?? []), what]);
  };
  for (const b of ports.brokers) {
    claim(b.port, `Kafka broker ${b.id}`);
    claim(b.controller, `Kafka controller ${b.id}`);
  }
  for (const [service, p] of Object.entries(ports.temporal)) {
    claim(p.grpc, `Temporal ${service}`);
    claim(p.membership, `Temporal ${service} membership`);
  }
  ports.api.forEach((p, n) => claim(p, `API ${n + 1}`));
  ports.ingest.forEach((p, n) => claim(p, `ingest ${n + 1}`));
  const tooHigh = [...ports.brokers.flatMap((b) => [b.port, b.controller]), ...ports.api, ...ports.ingest, ports.temporal.worker.membership].filter((p) => p > 65535);
  const shared = [...claims].filter(([, who]) => who.length > 1).map(([port, who]) => `port ${port} for ${who.join(' and ')}`);
  return [...shared, ...tooHigh.map((p) => `port ${p} is above 65535`)];
}
