import { Type } from 'class-transformer';
import { IsDefined, IsString, Length, Matches, MaxLength, ValidateNested } from 'class-validator';
import { IsInt64, IsOptionalProto } from '#libs/validation';

/**
 * The request rules of PaymentService, written once with class-validator and applied to gRPC
 * messages and AMQP command payloads alike (field names are the proto3 JSON names).
 */
const ID = /^[A-Za-z0-9][A-Za-z0-9._:-]{0,127}$/;
const ID_MESSAGE = (name: string) => ({ message: `${name} must be 1-128 letters, digits, dots, colons, dashes or underscores` });

export class MoneyRequest {
  @Matches(/^[A-Z]{3}$/, { message: 'currency must be an ISO 4217 code such as USD' })
  currency!: string;

  @IsInt64(1n, undefined, { message: 'amountMinor must be a positive integer (minor units)' })
  amountMinor!: string | number;
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

/** Names one payment attempt: Capture, and the base of Void and Refund. */
export class PaymentTargetRequest {
  @IsString()
  @Matches(ID, ID_MESSAGE('orderId'))
  orderId!: string;

  @IsString()
  @Matches(ID, ID_MESSAGE('paymentId'))
  paymentId!: string;
}

export class HoldPaymentRequest extends PaymentTargetRequest {
  @IsDefined({ message: 'amount is required' })
  @ValidateNested()
  @Type(() => MoneyRequest)
  amount!: MoneyRequest;

  @IsString()
  @Length(1, 64, { message: 'paymentMethod is required, e.g. credit_card' })
  paymentMethod!: string;

  @IsDefined({ message: 'paymentDetails is required' })
  @ValidateNested()
  @Type(() => PaymentDetailsRequest)
  paymentDetails!: PaymentDetailsRequest;

  @IsString()
  @Length(1, 128, { message: 'customerId is required' })
  customerId!: string;
}

/** Void and Refund take a reason, kept for audit. */
export class ReasonedPaymentRequest extends PaymentTargetRequest {
  @IsOptionalProto()
  @IsString()
  @MaxLength(512)
  reason?: string;
}

export class GetPaymentRequest {
  @IsString()
  @Matches(ID, ID_MESSAGE('orderId'))
  orderId!: string;

  @IsOptionalProto()
  @Matches(ID, ID_MESSAGE('paymentId'))
  paymentId?: string;
}
