import type { ErrorCodeTable } from '#libs/errors';

/**
 * How inventory-service's typed errors are answered, on gRPC and REST alike. Codes it shares with
 * order-service (INVALID_REQUEST, INVALID_MONEY, CONCURRENT_MODIFICATION) map to the same status,
 * so the tables merge cleanly in the all-in-one process.
 */
export const INVENTORY_ERROR_CODES: ErrorCodeTable = {
  INVALID_REQUEST: 'INVALID_ARGUMENT',
  INVALID_MONEY: 'INVALID_ARGUMENT',
  INVALID_PRODUCT: 'INVALID_ARGUMENT',
  INVALID_RESERVATION: 'INVALID_ARGUMENT',
  PRODUCT_NOT_FOUND: 'NOT_FOUND',
  RESERVATION_NOT_FOUND: 'NOT_FOUND',
  RESERVATION_ALREADY_EXISTS: 'ALREADY_EXISTS',
  RESERVATION_NOT_COMMITTABLE: 'FAILED_PRECONDITION',
  STOCK_BELOW_RESERVED: 'FAILED_PRECONDITION',
  CONCURRENT_MODIFICATION: 'ABORTED',
};
