import { ContactRepository } from '../../src/application/ports/contact.repository.port.js';
import { DispatchNudge } from '../../src/application/ports/dispatch-nudge.port.js';
import { IdGenerator } from '../../src/application/ports/id-generator.port.js';
import { NotificationRepository } from '../../src/application/ports/notification.repository.port.js';
import { DeliveryError, NotificationSender, type OutgoingMessage, type SendReceipt } from '../../src/application/ports/notification-sender.port.js';
import { ProcessedEvents, type ConsumedEventType } from '../../src/application/ports/processed-events.port.js';
import { TrackedOrders, type OrderStatusFact, type TrackedOrder } from '../../src/application/ports/tracked-orders.port.js';
import { UnitOfWork } from '../../src/application/ports/unit-of-work.port.js';
import type { ContactDetails } from '../../src/domain/customer-contact.js';
import { Notification, type NotificationSnapshot } from '../../src/domain/notification.aggregate.js';
import type { OrderNotificationKind } from '../../src/domain/notification-kind.js';

/** Notifications in memory, with the semantics of the SQL repository (unique order/kind, leases, guards). */
export class InMemoryNotificationRepository extends NotificationRepository {
  readonly rows = new Map<string, NotificationSnapshot>();

  async insertOnce(n: Notification): Promise<boolean> {
    const s = n.snapshot();
    if ([...this.rows.values()].some((r) => r.orderId === s.orderId && r.kind === s.kind)) return false;
    this.rows.set(s.id, s);
    return true;
  }

  async insert(n: Notification): Promise<void> {
    this.rows.set(n.id, n.snapshot());
  }

  async save(n: Notification): Promise<void> {
    this.rows.set(n.id, n.snapshot());
  }

  async cancelPending(orderId: string, kind: OrderNotificationKind, reason: string, now: Date): Promise<boolean> {
    const row = [...this.rows.values()].find((r) => r.orderId === orderId && r.kind === kind && r.status === 'PENDING' && (!r.leaseUntil || r.leaseUntil <= now));
    if (!row) return false;
    const n = Notification.restore(row);
    n.cancel(reason, now);
    this.rows.set(n.id, n.snapshot());
    return true;
  }

  async claimDue(now: Date, limit: number, leaseMs: number): Promise<Notification[]> {
    const due = [...this.rows.values()]
      .filter((r) => r.status === 'PENDING' && r.nextAttemptAt <= now)
      .sort((a, b) => a.nextAttemptAt.getTime() - b.nextAttemptAt.getTime())
      .slice(0, limit);
    return due.map((row) => {
      const n = Notification.restore(row);
      n.startAttempt(now, leaseMs);
      this.rows.set(n.id, n.snapshot());
      return Notification.restore(n.snapshot());
    });
  }

  async completeAttempt(n: Notification, claimedAttempts: number): Promise<boolean> {
    const row = this.rows.get(n.id);
    if (!row || row.attempts !== claimedAttempts || row.status !== 'PENDING') return false;
    this.rows.set(n.id, n.snapshot());
    return true;
  }

  /** The stored notifications of an order, by kind. */
  ofOrder(orderId: string): Record<string, NotificationSnapshot> {
    return Object.fromEntries([...this.rows.values()].filter((r) => r.orderId === orderId).map((r) => [r.kind, r]));
  }
}

export class InMemoryContacts extends ContactRepository {
  readonly rows = new Map<string, ContactDetails>();

  async find(customerId: string): Promise<ContactDetails | null> {
    return this.rows.get(customerId) ?? null;
  }

  async upsert(contact: ContactDetails): Promise<void> {
    this.rows.set(contact.customerId, contact);
  }
}

export class InMemoryTrackedOrders extends TrackedOrders {
  readonly rows = new Map<string, TrackedOrder>();

  async record(fact: OrderStatusFact): Promise<TrackedOrder> {
    const old = this.rows.get(fact.orderId);
    const merged: TrackedOrder = old
      ? {
          ...old,
          customerId: old.customerId || fact.customerId,
          contactEmail: old.contactEmail || fact.contactEmail,
          status: fact.seq > old.statusSeq ? fact.status : old.status,
          statusSeq: Math.max(fact.seq, old.statusSeq),
          reservedAt: old.reservedAt ?? (fact.status === 'RESERVED' ? fact.occurredAt : null),
        }
      : { ...fact, statusSeq: fact.seq, reservedAt: fact.status === 'RESERVED' ? fact.occurredAt : null };
    this.rows.set(fact.orderId, merged);
    return merged;
  }

  async find(orderId: string): Promise<TrackedOrder | null> {
    return this.rows.get(orderId) ?? null;
  }
}

export class InMemoryProcessedEvents extends ProcessedEvents {
  readonly seen = new Set<string>();

  async firstSighting(orderId: string, type: ConsumedEventType, seq: number): Promise<boolean> {
    const key = `${orderId}|${type}|${seq}`;
    if (this.seen.has(key)) return false;
    this.seen.add(key);
    return true;
  }
}

/** Runs work at once; after-commit callbacks run when the outermost run resolves. */
export class ImmediateUnitOfWork extends UnitOfWork {
  private depth = 0;
  private pending: (() => void)[] = [];

  async run<T>(work: () => Promise<T>): Promise<T> {
    this.depth += 1;
    try {
      const result = await work();
      if (this.depth === 1) for (const callback of this.pending.splice(0)) callback();
      return result;
    } finally {
      this.depth -= 1;
      if (this.depth === 0) this.pending = [];
    }
  }

  afterCommit(callback: () => void): void {
    if (this.depth === 0) callback();
    else this.pending.push(callback);
  }
}

export class SequentialIds extends IdGenerator {
  private n = 0;

  next(): string {
    return `n-${++this.n}`;
  }
}

export class CountingNudge extends DispatchNudge {
  nudges = 0;

  nudge(): void {
    this.nudges += 1;
  }
}

/** A provider that records what it accepted; `failNext(n)` makes the next n sends fail. */
export class RecordingSender extends NotificationSender {
  readonly sent: OutgoingMessage[] = [];
  private failures = 0;

  failNext(times: number): void {
    this.failures = times;
  }

  async send(message: OutgoingMessage): Promise<SendReceipt> {
    if (this.failures > 0) {
      this.failures -= 1;
      throw new DeliveryError('e-mail not accepted (SMTP 451): try again later');
    }
    this.sent.push(message);
    return { providerMessageId: `provider-${this.sent.length}` };
  }
}
