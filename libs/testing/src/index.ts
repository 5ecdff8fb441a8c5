export { createTestDatabase, type TestDatabase } from './test-database.js';
export { createTestDataSource, type TestDataSource } from './test-data-source.js';
export { freePort } from './free-port.js';
export { acceptsConnections } from './accepts-connections.js';
export { grpcFailure, grpcStatusName, type GrpcFailure } from './grpc-failure.js';
export { rejection, toJson } from './assertions.js';
