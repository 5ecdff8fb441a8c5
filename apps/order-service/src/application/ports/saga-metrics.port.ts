import type { SagaInput, SagaPhase } from '../saga/order-saga.state.js';

/** One step of a saga finished: it left `step` after `seconds` there, because of `input`. */
export interface SagaStepRecord {
  readonly step: SagaPhase;
  readonly next: SagaPhase;
  readonly input: SagaInput;
  readonly seconds: number;
}

/**
 * Where the saga reports its progress for operators (step durations and outcomes, how sagas
 * end). Fire-and-forget: an implementation must not throw.
 */
export abstract class SagaMetrics {
  abstract stepCompleted(record: SagaStepRecord): void;

  /** The saga ended with the order in `status` (e.g. CONFIRMED, CANCELED) for `reason`. */
  abstract sagaEnded(status: string, reason: string): void;
}

/** Reports nothing (unit tests, tools). */
export class NoSagaMetrics extends SagaMetrics {
  stepCompleted(): void {}

  sagaEnded(): void {}
}
