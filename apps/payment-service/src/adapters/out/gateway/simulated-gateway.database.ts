import { Injectable, type OnApplicationShutdown } from '@nestjs/common';
import { createDataSource } from '#libs/database';
import type { DataSource } from 'typeorm';

/**
 * The simulated card network's own connection pool. The gateway stands for another company's
 * system: a Hold holds a payment-service connection (its idempotency transaction) while it asks
 * the gateway, so the gateway must never wait for the same pool, or ten concurrent Holds would
 * take every connection and wait forever for an eleventh.
 */
@Injectable()
export class SimulatedGatewayDatabase implements OnApplicationShutdown {
  private constructor(readonly dataSource: DataSource) {}

  static async open(url: string, poolSize = 4): Promise<SimulatedGatewayDatabase> {
    const dataSource = createDataSource({ url, schema: 'payment_service', entities: [], migrations: [], poolSize, applicationName: 'oms:simulated-gateway' });
    return new SimulatedGatewayDatabase(await dataSource.initialize());
  }

  /** After the dispatcher stopped (its hook runs before shutdown hooks). */
  async onApplicationShutdown(): Promise<void> {
    if (this.dataSource.isInitialized) await this.dataSource.destroy();
  }
}
