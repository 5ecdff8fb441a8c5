export { rejection, toJson } from '#libs/testing';
export { FakeCardGateway, type RecordedRequest } from './fake-card.gateway.js';
export { DEFAULT_NOW, FixedClock } from './fixed-clock.js';
export { InMemoryCallbackInbox } from './in-memory-callback.inbox.js';
export { InMemoryPaymentRepository } from './in-memory-payment.repository.js';
export { InMemoryUnitOfWork, type Transactional } from './in-memory-unit-of-work.js';
export { at, paymentIn, startProps, T0, type PaymentFixture } from './payment-fixtures.js';
export { paymentWorld, type PaymentWorld } from './payment-world.js';
export { RecordingResultPublisher } from './recording-result.publisher.js';
