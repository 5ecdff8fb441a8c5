export { rejection } from '#libs/testing';
export { DEFAULT_NOW, FixedClock } from './fixed-clock.js';
export { InMemoryInventory, type SentMessage } from './in-memory-inventory.js';
export { aProduct } from './product-fixtures.js';
