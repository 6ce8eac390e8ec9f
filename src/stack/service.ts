import type { Config } from '../config.js';
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
