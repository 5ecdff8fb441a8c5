import { Type } from 'class-transformer';
import {
  ArrayMaxSize,
  ArrayMinSize,
  IsArray,
  IsDefined,
  IsIn,
  IsInt,
  IsString,
  Length,
  Matches,
  Max,
  MaxLength,
  Min,
  ValidateNested,
} from 'class-validator';
import { MAX_PAGE_SIZE } from '../../../application/queries/list-orders/list-orders.query.js';
import { ORDER_LIMITS } from '../../../domain/order.aggregate.js';
import { IsInt64, IsOptionalProto } from '#libs/validation';

/**
 * The request rules of OrderService, written once with class-validator and applied to the REST
 * body and to the gRPC message alike (field names are the JSON names; gRPC errors show proto names).
 */
/** Formats and lengths of request fields; the OpenAPI document is built from the same values. */
export const REQUEST_FORMATS = Object.freeze({
  idMaxLength: 128,
  reasonMaxLength: 512,
  pageTokenMaxLength: 1024,
  currency: '^[A-Z]{3}$',
  sku: '^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$',
});
const ID_MAX = REQUEST_FORMATS.idMaxLength;
const SKU_FORMAT = new RegExp(REQUEST_FORMATS.sku);
const CURRENCY_FORMAT = new RegExp(REQUEST_FORMATS.currency);

export class MoneyRequest {
  @Matches(CURRENCY_FORMAT, { message: 'currency must be an ISO 4217 code such as USD' })
  currency!: string;

  @IsInt64(0n, undefined, { message: 'amountMinor must be a non-negative integer (minor units)' })
  amountMinor!: string | number;
}

export class OrderItemRequest {
  @IsString()
  @Matches(SKU_FORMAT, { message: 'sku must be 1-64 letters, digits, dots, dashes or underscores' })
  sku!: string;

  @IsInt({ message: 'qty must be an integer' })
  @Min(ORDER_LIMITS.minQty, { message: `qty must be at least ${ORDER_LIMITS.minQty}` })
  @Max(ORDER_LIMITS.maxQty, { message: `qty must be at most ${ORDER_LIMITS.maxQty}` })
  qty!: number;

  @IsOptionalProto()
  @ValidateNested()
  @Type(() => MoneyRequest)
  price?: MoneyRequest | null;
}

export class CreateOrderRequest {
  @IsOptionalProto()
  @IsString()
  @MaxLength(ID_MAX)
  customerId?: string;

  @IsArray({ message: 'items must be a list' })
  @ArrayMinSize(ORDER_LIMITS.minItems, { message: `an order needs at least ${ORDER_LIMITS.minItems} item` })
  @ArrayMaxSize(ORDER_LIMITS.maxItems, { message: `an order takes at most ${ORDER_LIMITS.maxItems} items` })
  @ValidateNested({ each: true })
  @Type(() => OrderItemRequest)
  items!: OrderItemRequest[];

  @IsOptionalProto()
  @Matches(CURRENCY_FORMAT, { message: 'currency must be an ISO 4217 code such as USD' })
  currency?: string;
}

export class OrderIdRequest {
  @IsString()
  @Length(1, ID_MAX, { message: `id must be 1 to ${ID_MAX} characters` })
  id!: string;
}

export class PaymentDetailsRequest {
  @IsString({ message: 'cardNumber is required' })
  @MaxLength(32)
  cardNumber!: string;

  @IsString({ message: 'expiryDate is required (MM/YY)' })
  @MaxLength(5, { message: 'expiryDate must be MM/YY' })
  expiryDate!: string;

  @IsString({ message: 'cvv is required' })
  @MaxLength(4, { message: 'cvv must be 3 or 4 digits' })
  cvv!: string;
}

export class PayOrderRequest extends OrderIdRequest {
  @IsString()
  @Length(1, 64, { message: 'paymentMethod is required, e.g. credit_card' })
  paymentMethod!: string;

  @IsDefined({ message: 'paymentDetails is required' })
  @ValidateNested()
  @Type(() => PaymentDetailsRequest)
  paymentDetails!: PaymentDetailsRequest;

  @IsOptionalProto()
  @IsInt64(1n, undefined, { message: 'expectedVersion must be a positive integer' })
  expectedVersion?: string | number | null;
}

/** CancelOrder and RefundOrder take the same fields. */
export class ChangeOrderRequest extends OrderIdRequest {
  @IsOptionalProto()
  @IsString()
  @MaxLength(REQUEST_FORMATS.reasonMaxLength)
  reason?: string;

  @IsOptionalProto()
  @IsInt64(1n, undefined, { message: 'expectedVersion must be a positive integer' })
  expectedVersion?: string | number | null;
}

export const ORDER_STATUS_FILTERS = [
  'ORDER_STATUS_UNSPECIFIED',
  'ORDER_STATUS_PENDING',
  'ORDER_STATUS_RESERVED',
  'ORDER_STATUS_PAID',
  'ORDER_STATUS_CONFIRMED',
  'ORDER_STATUS_CANCELED',
  'ORDER_STATUS_REFUNDED',
] as const;

export class ListOrdersRequest {
  @IsOptionalProto()
  @IsInt({ message: 'pageSize must be an integer' })
  @Min(0, { message: `pageSize must be between 0 and ${MAX_PAGE_SIZE}` })
  @Max(MAX_PAGE_SIZE, { message: `pageSize must be between 0 and ${MAX_PAGE_SIZE}` })
  pageSize?: number;

  @IsOptionalProto()
  @IsString()
  @MaxLength(REQUEST_FORMATS.pageTokenMaxLength, { message: 'pageToken is not a page token of this service' })
  pageToken?: string;

  @IsOptionalProto()
  @IsIn(ORDER_STATUS_FILTERS, { message: `status must be one of ${ORDER_STATUS_FILTERS.join(', ')}` })
  status?: string;

  @IsOptionalProto()
  @IsString()
  @MaxLength(ID_MAX)
  customerId?: string;
}
