/** The public event types notification-service consumes. */
export type ConsumedEventType = 'order.status_changed' | 'payment.status_changed';

/**
 * Deduplication by the natural key the contract names, `(order_id, event type, seq)`: a
 * republished event gets a new message id, which the inbox cannot recognise, but never a new seq.
 */
export abstract class ProcessedEvents {
  /** Records the event in the caller's unit of work; `false` when it was seen before. */
  abstract firstSighting(orderId: string, type: ConsumedEventType, seq: number): Promise<boolean>;
}
