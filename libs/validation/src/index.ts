/**
 * Request validation shared by every service's inbound ports: class-validator rules applied alike
 * to REST bodies and gRPC messages, with proto3 semantics (unset = default) and field violations.
 */
export { IsInt64, IsOptionalProto } from './proto-field.decorators.js';
export { validateRequest } from './validate-request.js';
