export { rejection, toJson } from './assertions.js';
export { DEFAULT_PRODUCTS, FixedCatalog } from './fixed-catalog.js';
export { DEFAULT_NOW, FixedClock } from './fixed-clock.js';
export { InMemoryOrderRepository } from './in-memory-order.repository.js';
export { admin, anOrder, customer, type OrderFixture, type OrderFixtureState } from './order-fixtures.js';
export { RecordingEventPublisher } from './recording-event.publisher.js';
export { SequentialIds } from './sequential-ids.js';
