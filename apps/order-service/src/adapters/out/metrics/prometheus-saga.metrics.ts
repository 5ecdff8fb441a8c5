import { Injectable } from '@nestjs/common';
import { processMetrics } from '#libs/metrics';
import { SagaMetrics, type SagaStepRecord } from '../../../application/ports/saga-metrics.port.js';
import type { SagaInput } from '../../../application/saga/order-saga.state.js';

/** The saga's progress as `oms_saga_step_duration_seconds` and `oms_saga_completed_total`. */
@Injectable()
export class PrometheusSagaMetrics extends SagaMetrics {
  private readonly metrics = processMetrics();

  stepCompleted(record: SagaStepRecord): void {
    this.metrics.sagaStepDuration.observe({ step: record.step, outcome: outcomeOf(record.input) }, Math.max(0, record.seconds));
  }

  sagaEnded(status: string, reason: string): void {
    // Reasons from the saga are a fixed set; a customer's free-text cancel reason is not a label.
    this.metrics.sagaOutcomes.inc({ status, reason: /^[A-Z_]{1,40}$/.test(reason) ? reason : reason ? 'OTHER' : '' });
  }
}

/** A bounded label for what ended a step, e.g. `reservation:RESERVED`, `payment:capture:FAILED`, `timeout`. */
function outcomeOf(input: SagaInput): string {
  switch (input.kind) {
    case 'reservation':
      return `reservation:${input.status}`;
    case 'payment':
      return `payment:${input.op}:${input.status}`;
    default:
      return input.kind;
  }
}
