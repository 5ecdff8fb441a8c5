import { Type } from 'class-transformer';
import {
  ArrayMaxSize,
  ArrayMinSize,
  IsArray,
  IsDefined,
  IsInt,
  IsString,
  Length,
  Matches,
  Max,
  MaxLength,
  Min,
  ValidateNested,
} from 'class-validator';
import { PRODUCT_LIMITS } from '../../../domain/product.aggregate.js';
import { RESERVATION_LIMITS } from '../../../domain/reservation.aggregate.js';
import { IsInt64, IsOptionalProto } from '#libs/validation';

/**
 * The request rules of InventoryService, written once with class-validator and applied to REST
 * bodies, gRPC messages and AMQP command payloads alike (field names are the JSON names).
 * The limits are the domain's, so the edge and the aggregates never disagree.
 */
const L = RESERVATION_LIMITS;
const CURRENCY_FORMAT = /^[A-Z]{3}$/;
const REASON_MAX = 512;
const MAX_BATCH = 100;

export class ReservationItemRequest {
  @IsString({ message: 'sku is required' })
  @Length(1, L.skuMaxLength, { message: `sku must be 1 to ${L.skuMaxLength} characters` })
  sku!: string;

  @IsInt({ message: 'qty must be an integer' })
  @Min(L.minQty, { message: `qty must be at least ${L.minQty}` })
  @Max(L.maxQty, { message: `qty must be at most ${L.maxQty}` })
  qty!: number;
}

export class OrderIdRequest {
  @IsString({ message: 'orderId is required' })
  @Length(1, L.orderIdMaxLength, { message: `orderId must be 1 to ${L.orderIdMaxLength} characters` })
  orderId!: string;
}

export class ReserveRequest extends OrderIdRequest {
  @IsArray({ message: 'items must be a list' })
  @ArrayMinSize(L.minItems, { message: `a reservation needs at least ${L.minItems} item` })
  @ArrayMaxSize(L.maxItems, { message: `a reservation takes at most ${L.maxItems} items` })
  @ValidateNested({ each: true })
  @Type(() => ReservationItemRequest)
  items!: ReservationItemRequest[];
}

/** Release and Restock take the same fields. */
export class ReleaseRequest extends OrderIdRequest {
  @IsOptionalProto()
  @IsString()
  @MaxLength(REASON_MAX, { message: `reason must be at most ${REASON_MAX} characters` })
  reason?: string;
}

export class SkuRequest {
  @IsString({ message: 'sku is required' })
  @Matches(PRODUCT_LIMITS.sku, { message: 'sku must be 1 to 64 letters, digits, dashes or underscores' })
  sku!: string;
}

export class BatchGetProductsRequest {
  @IsArray({ message: 'skus must be a list' })
  @ArrayMinSize(1, { message: 'skus needs at least 1 sku' })
  @ArrayMaxSize(MAX_BATCH, { message: `skus takes at most ${MAX_BATCH} skus` })
  @IsString({ each: true, message: 'each sku must be a string' })
  @MaxLength(64, { each: true, message: 'each sku must be at most 64 characters' })
  skus!: string[];
}

export class MoneyRequest {
  @IsString({ message: 'currency is required' })
  @Matches(CURRENCY_FORMAT, { message: 'currency must be an ISO 4217 code such as USD' })
  currency!: string;

  @IsInt64(0n, undefined, { message: 'amountMinor must be a non-negative integer (minor units)' })
  amountMinor!: string | number;
}

export class UpsertProductRequest extends SkuRequest {
  @IsString({ message: 'name is required' })
  @Length(1, PRODUCT_LIMITS.nameMaxLength, { message: `name must be 1 to ${PRODUCT_LIMITS.nameMaxLength} characters` })
  @Matches(/\S/, { message: 'name must not be blank' })
  name!: string;

  @IsDefined({ message: 'price is required' })
  @ValidateNested()
  @Type(() => MoneyRequest)
  price!: MoneyRequest;

  // Proto3 has no unset int64: an absent stock is 0, as gRPC would deliver it.
  @IsOptionalProto()
  @IsInt64(0n, BigInt(PRODUCT_LIMITS.maxStock), { message: `stock must be an integer from 0 to ${PRODUCT_LIMITS.maxStock}` })
  stock?: string | number | null;
}
