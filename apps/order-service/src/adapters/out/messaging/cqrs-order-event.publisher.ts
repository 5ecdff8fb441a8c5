import { Injectable } from '@nestjs/common';
import { EventBus } from '@nestjs/cqrs';
import { TransactionRunner } from '#libs/database';
import type { OrderEvent } from '../../../domain/order.events.js';
import { OrderEventPublisher } from '../../../application/ports/order-event.publisher.port.js';

/**
 * Hands committed domain events to in-process subscribers through the @nestjs/cqrs EventBus.
 * Inside a transaction the hand-off waits for the commit, so nobody reacts to a change that may
 * still roll back. Other services learn of the change from the outbox, not from here.
 */
@Injectable()
export class CqrsOrderEventPublisher extends OrderEventPublisher {
  constructor(
    private readonly bus: EventBus,
    private readonly tx: TransactionRunner,
  ) {
    super();
  }

  async publish(events: readonly OrderEvent[]): Promise<void> {
    if (events.length === 0) return;
    this.tx.afterCommit(() => this.bus.publishAll([...events]));
  }
}
