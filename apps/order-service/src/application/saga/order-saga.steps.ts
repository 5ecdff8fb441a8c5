/**
 * The steps of the order workflow, each with the message that performs it and the one that undoes
 * it. Step names are persisted in saga rows: never rename one.
 */
export const ORDER_SAGA_STEPS = Object.freeze({
  reserveStock: { name: 'reserve-stock', invoke: 'inventory.reserve', compensate: 'inventory.release' },
  holdPayment: { name: 'hold-payment', invoke: 'payment.hold', compensate: 'payment.void' },
  capturePayment: { name: 'capture-payment', invoke: 'payment.capture', compensate: 'payment.refund' },
  commitStock: { name: 'commit-stock', invoke: 'inventory.commit', compensate: 'inventory.restock' },
} as const);

/** A command the saga sends through the outbox (the hold goes over gRPC: it carries card data). */
export type SagaCommand =
  | 'inventory.reserve'
  | 'inventory.release'
  | 'inventory.commit'
  | 'inventory.restock'
  | 'payment.capture'
  | 'payment.void'
  | 'payment.refund';

/** The commands that undo a step; the saga waits for each one's reply before it ends. */
export type Compensation = 'inventory.release' | 'inventory.restock' | 'payment.void' | 'payment.refund';
