import { existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { TOPOLOGIES, type Config, type Topology } from '../config.js';
import { daemonPid } from './daemon.js';
import { kafka } from './kafka.js';
import { brokerName, kafkaCluster } from './kafka-cluster.js';
import type { StackPaths } from './paths.js';
import { postgres } from './postgres.js';
import { BROKERS } from './production-ports.js';
import { asPart, type StackPart } from './service.js';
import { temporal } from './temporal.js';
import { temporalServer } from './temporal-server.js';
import { v2vProcessesPart } from './v2v-processes.js';

/**
 * What each topology starts, as stages: the parts of a stage start together, each stage once the one
 * before answers (the Temporal server persists to PostgreSQL; V2V's processes need everything).
 */
export function topologyStages(topology: Topology): StackPart[][] {
  switch (topology) {
    case 'dev':
      return [[postgres, kafka, temporal].map(asPart)];
    case 'production':
      return [[asPart(postgres), kafkaCluster], [temporalServer], [v2vProcessesPart]];
  }
}

/** The daemons only one topology runs: the one whose daemons are alive is the one that is up. */
const OWN_DAEMONS: Record<Topology, string[]> = {
  dev: ['kafka', 'temporal'],
  production: [...Array.from({ length: BROKERS }, (_, n) => brokerName({ id: n + 1 })), 'temporal-server'],
};

export function runningTopology(paths: StackPaths): Topology | undefined {
  return TOPOLOGIES.find((t) => OWN_DAEMONS[t].some((name) => daemonPid(paths, name) !== undefined));
}

const topologyFile = (paths: StackPaths) => path.join(paths.root, 'topology');

/** The topology of the last `stack up`, kept until `stack down`, so status, env and down mean that stack. */
export function rememberedTopology(paths: StackPaths): Topology | undefined {
  if (!existsSync(topologyFile(paths))) return undefined;
  const text = readFileSync(topologyFile(paths), 'utf8').trim();
  return TOPOLOGIES.find((t) => t === text);
}

export function rememberTopology(paths: StackPaths, topology: Topology) {
  writeFileSync(topologyFile(paths), `${topology}\n`);
}

export function forgetTopology(paths: StackPaths) {
  rmSync(topologyFile(paths), { force: true });
}

/** Asked for, else the one the stack is up with, else dev. */
export function resolveTopology(config: Pick<Config, 'V2V_TOPOLOGY'>, paths: StackPaths): Topology {
  return config.V2V_TOPOLOGY ?? runningTopology(paths) ?? rememberedTopology(paths) ?? 'dev';
}
