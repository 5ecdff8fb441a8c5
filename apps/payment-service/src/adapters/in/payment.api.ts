import { Injectable } from '@nestjs/common';
import { QueryBus } from '@nestjs/cqrs';
import type { paymentV1 } from '#libs/contracts';
import { IdempotentCommandBus } from '#libs/idempotency';
import { RequestContext } from '#libs/observability';
import { CapturePaymentCommand } from '../../application/commands/capture-payment/capture-payment.command.js';
import { HoldPaymentCommand } from '../../application/commands/hold-payment/hold-payment.command.js';
import { RefundPaymentCommand } from '../../application/commands/refund-payment/refund-payment.command.js';
import { VoidPaymentCommand } from '../../application/commands/void-payment/void-payment.command.js';
import { GetPaymentQuery } from '../../application/queries/get-payment/get-payment.query.js';
import { toPaymentRecord } from '../../application/views/payment.view.js';
import { GetPaymentRequest, HoldPaymentRequest, PaymentTargetRequest, ReasonedPaymentRequest } from './requests/payment.requests.js';
import { validateRequest } from '#libs/validation';

/**
 * PaymentService as every inbound port sees it: an `oms.v1` request message in (a gRPC message or
 * an AMQP command payload, not yet trusted), an `oms.v1` response out. Commands go through the
 * IdempotentCommandBus, which honours an idempotency key when the request carried one.
 */
@Injectable()
export class PaymentApi {
  constructor(
    private readonly commands: IdempotentCommandBus,
    private readonly queries: QueryBus,
  ) {}

  async hold(input: unknown): Promise<paymentV1.HoldResponse> {
    const req = await validateRequest(HoldPaymentRequest, input);
    RequestContext.patch({ orderId: req.orderId });
    const d = req.paymentDetails;
    const command = new HoldPaymentCommand(
      req.orderId,
      req.paymentId,
      { currency: req.amount.currency, amountMinor: BigInt(req.amount.amountMinor) },
      req.paymentMethod,
      { number: d.cardNumber, expiry: d.expiryDate, cvv: d.cvv },
      req.customerId,
    );
    return { payment: toPaymentRecord(await this.commands.execute(command)) };
  }

  async capture(input: unknown): Promise<paymentV1.CaptureResponse> {
    const req = await validateRequest(PaymentTargetRequest, input);
    RequestContext.patch({ orderId: req.orderId });
    return { payment: toPaymentRecord(await this.commands.execute(new CapturePaymentCommand(req.orderId, req.paymentId))) };
  }

  async void(input: unknown): Promise<paymentV1.VoidResponse> {
    const req = await validateRequest(ReasonedPaymentRequest, input);
    RequestContext.patch({ orderId: req.orderId });
    return { payment: toPaymentRecord(await this.commands.execute(new VoidPaymentCommand(req.orderId, req.paymentId, req.reason ?? ''))) };
  }

  async refund(input: unknown): Promise<paymentV1.RefundResponse> {
    const req = await validateRequest(ReasonedPaymentRequest, input);
    RequestContext.patch({ orderId: req.orderId });
    return { payment: toPaymentRecord(await this.commands.execute(new RefundPaymentCommand(req.orderId, req.paymentId, req.reason ?? ''))) };
  }

  async getPayment(input: unknown): Promise<paymentV1.GetPaymentResponse> {
    const req = await validateRequest(GetPaymentRequest, input);
    RequestContext.patch({ orderId: req.orderId });
    return { payment: toPaymentRecord(await this.queries.execute(new GetPaymentQuery(req.orderId, req.paymentId ?? ''))) };
  }
}
