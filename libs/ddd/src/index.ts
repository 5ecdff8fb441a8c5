export { AggregateRoot } from './aggregate-root.js';
export { DomainError } from './domain-error.js';
