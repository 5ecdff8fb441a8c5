import { Controller } from '@nestjs/common';
import { ADMIN_ROLE, Roles, SERVICE_ROLE } from '#libs/auth';
import { paymentV1 } from '#libs/contracts';
import { Idempotent } from '#libs/idempotency';
import { PaymentApi } from '../payment.api.js';

/** Internal `oms.v1.PaymentService` over gRPC: callers need a `service` (or `admin`) role token. */
@Controller()
@Roles(SERVICE_ROLE, ADMIN_ROLE)
@paymentV1.PaymentServiceControllerMethods()
export class PaymentsGrpcController implements paymentV1.PaymentServiceController {
  constructor(private readonly api: PaymentApi) {}

  @Idempotent()
  hold(request: paymentV1.HoldRequest): Promise<paymentV1.HoldResponse> {
    return this.api.hold(request);
  }

  @Idempotent()
  capture(request: paymentV1.CaptureRequest): Promise<paymentV1.CaptureResponse> {
    return this.api.capture(request);
  }

  @Idempotent()
  void(request: paymentV1.VoidRequest): Promise<paymentV1.VoidResponse> {
    return this.api.void(request);
  }

  @Idempotent()
  refund(request: paymentV1.RefundRequest): Promise<paymentV1.RefundResponse> {
    return this.api.refund(request);
  }

  getPayment(request: paymentV1.GetPaymentRequest): Promise<paymentV1.GetPaymentResponse> {
    return this.api.getPayment(request);
  }
}
