export * from './reference.js';
export * from './batches.js';
export * from './telemetry.js';
export * from './platform.js';
