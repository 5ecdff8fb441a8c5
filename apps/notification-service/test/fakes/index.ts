export * from './fixed-clock.js';
export * from './in-memory-notifications.js';
export * from './notification-world.js';
export { rejection } from '#libs/testing';
