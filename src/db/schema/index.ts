export * from './reference.js';
export * from './batches.js';
export * from './telemetry.js';
export * from './equipment-history.js';
export * from './platform.js';
export * from './forecasting.js';
export * from './identity.js';
export * from './idempotency.js';
