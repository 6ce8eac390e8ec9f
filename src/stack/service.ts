import type { Config, Topology } from '../config.js';
import type { StackPaths } from './paths.js';

/** Where a service came from: the environment, a process started here, or a Docker engine. */
export type ServiceSource = 'env' | 'local' | 'docker';

export interface ServiceStatus {
  service: string;
  address: string;
  state: 'up' | 'down';
  source: ServiceSource;
}

export interface StackContext {
  config: Config;
  paths: StackPaths;
  /** What `stack up` starts (or started): V2V_TOPOLOGY, else what is up, else dev. */
  topology: Topology;
  /** Progress for the person waiting: downloads, first-time initialisation. */
  progress: (message: string) => void;
}

export interface StackService {
  name: string;
  /** Starts the service if needed and waits until it really answers; returns its `export` values. */
  up(ctx: StackContext): Promise<{ status: ServiceStatus; env: Record<string, string> }>;
  status(ctx: StackContext): Promise<ServiceStatus>;
  /** Stops only what this stack started. */
  down(ctx: StackContext): Promise<void>;
}

/**
 * A part of a topology that may show as several rows (three brokers, two workers). `up` gets the
 * exports of the parts started before it: the Temporal server needs PostgreSQL's, V2V's processes
 * everyone's.
 */
export interface StackPart {
  name: string;
  /** Work that needs no other part running (a build, a download), done while the first parts start. */
  prepare?(ctx: StackContext): Promise<void>;
  up(ctx: StackContext, before: Record<string, string>): Promise<{ rows: ServiceStatus[]; env: Record<string, string> }>;
  status(ctx: StackContext): Promise<ServiceStatus[]>;
  down(ctx: StackContext): Promise<void>;
}

/** A one-row service as a part. */
export function asPart(service: StackService): StackPart {
  return {
    name: service.name,
    up: async (ctx) => {
      const { status, env } = await service.up(ctx);
      return { rows: [status], env };
    },
    status: async (ctx) => [await service.status(ctx)],
    down: (ctx) => service.down(ctx),
  };
}
