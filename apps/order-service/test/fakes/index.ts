export { rejection, toJson } from '#libs/testing';
export { FakePaymentHolds } from './fake-payment-holds.js';
export { DEFAULT_PRODUCTS, FixedCatalog } from './fixed-catalog.js';
export { DEFAULT_NOW, FixedClock } from './fixed-clock.js';
export { FakeTransaction, ImmediateUnitOfWork, type AfterCommitMode } from './immediate-unit-of-work.js';
export { InMemoryOrderSagaRepository } from './in-memory-order-saga.repository.js';
export { InMemoryOrderRepository } from './in-memory-order.repository.js';
export { admin, anOrder, customer, type OrderFixture, type OrderFixtureState } from './order-fixtures.js';
export { orderWorld, TEST_CARD, TEST_SAGA_TIMING, type ArrangedOrder, type OrderWorld, type OrderWorldOptions } from './order-world.js';
export { RecordingEventPublisher } from './recording-event.publisher.js';
export { RecordingSagaMessages, type SentSagaMessages } from './recording-saga.messages.js';
export {
  captured,
  captureFailed,
  held,
  holdFailed,
  paymentReply,
  refunded,
  reservation,
  voided,
} from './saga-inputs.js';
export { SequentialIds } from './sequential-ids.js';
