export * from './idempotency.ddl.js';
export * from './idempotency.errors.js';
export * from './idempotency-key.js';
export * from './idempotency-key.interceptor.js';
export * from './idempotency.store.js';
export * from './idempotency.janitor.js';
export * from './idempotent-command-bus.js';
export * from './request-hash.js';
