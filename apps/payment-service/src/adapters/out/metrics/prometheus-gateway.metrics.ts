import { Injectable } from '@nestjs/common';
import { processMetrics } from '#libs/metrics';
import { GatewayMetrics } from '../../../application/ports/gateway-metrics.port.js';
import type { PaymentOperation } from '../../../domain/payment-status.js';

/** Gateway answers as `oms_payment_gateway_latency_seconds{operation, outcome}`. */
@Injectable()
export class PrometheusGatewayMetrics extends GatewayMetrics {
  private readonly metrics = processMetrics();

  answered(operation: PaymentOperation, succeeded: boolean, seconds: number): void {
    this.metrics.gatewayLatency.observe({ operation, outcome: succeeded ? 'succeeded' : 'failed' }, Math.max(0, seconds));
  }
}
