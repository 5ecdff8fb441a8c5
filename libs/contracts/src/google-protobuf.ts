export { Timestamp } from './generated/google/protobuf/timestamp.js';
export { Any } from './generated/google/protobuf/any.js';
