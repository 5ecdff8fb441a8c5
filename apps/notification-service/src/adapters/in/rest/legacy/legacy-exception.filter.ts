import { Catch } from '@nestjs/common';
import { ErrorTranslator, HTTP_STATUS, type ApiError } from '#libs/errors';
import { IDEMPOTENCY_ERROR_CODES } from '#libs/idempotency';
import { LegacyExceptionFilter, type LegacyFailure } from '#libs/legacy-api';
import { NOTIFICATION_ERROR_CODES } from '../../notification-error-codes.js';

const translator = new ErrorTranslator({ ...IDEMPOTENCY_ERROR_CODES, ...NOTIFICATION_ERROR_CODES });

/** One sentence: the field violations' own words (each names its field), else the error's message. */
export function legacyMessage(error: ApiError): string {
  if (error.fieldViolations.length === 0) return error.message;
  return error.fieldViolations.map((v) => (!v.field || v.description.startsWith(v.field) ? v.description : `${v.field}: ${v.description}`)).join('; ');
}

/**
 * Errors of the legacy `/api/notification/send` route in seed 000's shape instead of AIP-193:
 * the same translation (and so the same status codes) as the `/v1` and gRPC ports, rendered as
 * `{code, message}`, for guard failures (401, 403) too.
 */
@Catch()
export class LegacyNotificationExceptionFilter extends LegacyExceptionFilter {
  protected override toLegacyFailure(exception: unknown): LegacyFailure {
    const error = translator.translate(exception);
    return { status: HTTP_STATUS[error.status], message: legacyMessage(error) };
  }
}
