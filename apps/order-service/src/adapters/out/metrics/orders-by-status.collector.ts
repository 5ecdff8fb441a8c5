import { Injectable, type OnModuleDestroy, type OnModuleInit } from '@nestjs/common';
import { processMetrics } from '#libs/metrics';
import { DataSource } from 'typeorm';
import { ORDER_STATUSES } from '../../../domain/order-status.js';

/** At most one count per this many ms, however often Prometheus scrapes. */
const REFRESH_MS = 10_000;

/**
 * `oms_orders{status}` at scrape time, from one `GROUP BY` over the orders table, cached for a
 * few seconds. Every status is reported (0 when there is none), so a series never disappears.
 */
@Injectable()
export class OrdersByStatusCollector implements OnModuleInit, OnModuleDestroy {
  private remove?: () => void;
  private countedAt = 0;

  constructor(private readonly dataSource: DataSource) {}

  onModuleInit(): void {
    const metrics = processMetrics();
    this.remove = metrics.addCollector('orders-by-status', async () => {
      if (Date.now() - this.countedAt < REFRESH_MS) return;
      const rows = (await this.dataSource.query(`SELECT status, count(*)::int AS n FROM order_service.orders GROUP BY status`)) as { status: string; n: number }[];
      const counts = new Map(rows.map((r) => [r.status, r.n]));
      for (const status of ORDER_STATUSES) metrics.ordersByStatus.set({ status }, counts.get(status) ?? 0);
      this.countedAt = Date.now();
    });
  }

  onModuleDestroy(): void {
    this.remove?.();
  }
}
