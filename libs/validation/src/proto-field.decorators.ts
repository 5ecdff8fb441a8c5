import { ValidateIf, registerDecorator, type ValidationOptions } from 'class-validator';

/**
 * Proto3 has no "unset" for scalars: an absent field, null and the default ('' or 0) mean the same.
 * Optional fields skip validation in all three cases, on REST and gRPC alike.
 */
export function IsOptionalProto(): PropertyDecorator {
  return ValidateIf((_o, value: unknown) => value !== undefined && value !== null && value !== '');
}

/** An int64 in proto3 JSON: a decimal string or a safe integer number, within [min, max]. */
export function IsInt64(min: bigint, max = 9_223_372_036_854_775_807n, options?: ValidationOptions): PropertyDecorator {
  return (target: object, propertyName: string | symbol) =>
    registerDecorator({
      name: 'isInt64',
      target: target.constructor,
      propertyName: String(propertyName),
      options: { message: `$property must be an integer from ${min} to ${max}`, ...options },
      validator: {
        validate(value: unknown) {
          const text = typeof value === 'number' && Number.isSafeInteger(value) ? String(value) : value;
          if (typeof text !== 'string' || !/^-?\d{1,19}$/.test(text)) return false;
          const n = BigInt(text);
          return n >= min && n <= max;
        },
      },
    });
}

