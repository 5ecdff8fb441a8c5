import { ApiError, type FieldViolation } from '#libs/errors';
import { plainToInstance, type ClassConstructor } from 'class-transformer';
import { validate, type ValidationError } from 'class-validator';

function violations(errors: readonly ValidationError[], parent = ''): FieldViolation[] {
  return errors.flatMap((e) => {
    const path = /^\d+$/.test(e.property) ? `${parent}[${e.property}]` : parent ? `${parent}.${e.property}` : e.property;
    const own = Object.values(e.constraints ?? {}).map((description) => ({ field: path, description }));
    return [...own, ...violations(e.children ?? [], path)];
  });
}

/** `customer_id` -> `customerId`, deeply: proto3 JSON accepts both spellings of a field. */
function camelKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(camelKeys);
  if (value === null || typeof value !== 'object') return value;
  return Object.fromEntries(
    Object.entries(value).map(([k, v]) => [k.replace(/_([a-z0-9])/g, (_, c: string) => c.toUpperCase()), camelKeys(v)]),
  );
}

/**
 * Validates a REST body or a gRPC message against a request class and returns the typed instance.
 * @throws ApiError INVALID_ARGUMENT with one BadRequest field violation per broken rule
 */
export async function validateRequest<T extends object>(type: ClassConstructor<T>, input: unknown): Promise<T> {
  if (input === null || typeof input !== 'object' || Array.isArray(input)) {
    throw ApiError.invalidArgument([{ field: '', description: 'the request body must be a JSON object' }]);
  }
  const instance = plainToInstance(type, camelKeys(input));
  const errors = await validate(instance, { forbidUnknownValues: false, validationError: { target: false } });
  if (errors.length > 0) throw ApiError.invalidArgument(violations(errors));
  return instance;
}
