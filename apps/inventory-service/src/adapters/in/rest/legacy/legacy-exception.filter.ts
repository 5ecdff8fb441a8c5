import { Catch } from '@nestjs/common';
import { ErrorTranslator, HTTP_STATUS } from '#libs/errors';
import { IDEMPOTENCY_ERROR_CODES } from '#libs/idempotency';
import { LegacyExceptionFilter, type LegacyFailure } from '#libs/legacy-api';
import { INVENTORY_ERROR_CODES } from '../../inventory-error-codes.js';

const translator = new ErrorTranslator({ ...IDEMPOTENCY_ERROR_CODES, ...INVENTORY_ERROR_CODES });

function legacyField(field: string): string {
  return field.replace(/\.sku$/, '.productId').replace(/\.qty$/, '.quantity');
}

/**
 * Any failure of the legacy lock as `{status, message}`: a lock repeated with other items is a
 * conflict worded for the legacy caller; everything else keeps the status `/v1` would give it.
 */
export function toLegacyFailure(exception: unknown): LegacyFailure {
  const error = translator.translate(exception);
  const status = HTTP_STATUS[error.status];
  if (error.reason === 'RESERVATION_ALREADY_EXISTS') {
    const orderId = error.metadata.orderId ?? '';
    return { status, message: `orderId ${orderId} already locked inventory for other items; a repeated lock must list the same items` };
  }
  if (error.reason && error.fieldViolations.length > 0) {
    return { status, message: error.fieldViolations.map((v) => `${legacyField(v.field)}: ${v.description}`).join('; ') };
  }
  return { status, message: error.message };
}

/** The legacy filter of inventory-service's routes: failures worded by {@link toLegacyFailure}. */
@Catch()
export class LegacyInventoryExceptionFilter extends LegacyExceptionFilter {
  protected override toLegacyFailure(exception: unknown): LegacyFailure {
    return toLegacyFailure(exception);
  }
}
