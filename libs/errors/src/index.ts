export * from './api-error.js';
export * from './api-exception.filter.js';
export * from './error-translator.js';
export * from './grpc-status.js';
