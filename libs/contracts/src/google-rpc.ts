export { Status } from './generated/google/rpc/status.js';
export { ErrorInfo, BadRequest, BadRequest_FieldViolation } from './generated/google/rpc/error_details.js';

/** `type_url` prefix of google.protobuf.Any values packed in a google.rpc.Status. */
export const TYPE_URL_PREFIX = 'type.googleapis.com/';
