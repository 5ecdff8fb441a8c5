import { Injectable, type FactoryProvider } from '@nestjs/common';
import { DataSource } from 'typeorm';

/**
 * One readiness dependency check. Resolving means up (a returned object is shown in the probe's
 * details); throwing or rejecting means down. `signal` aborts when the probe's timeout expires.
 */
export type ReadinessCheck = (context: { readonly signal: AbortSignal }) => Promise<Record<string, unknown> | void> | Record<string, unknown> | void;

/**
 * The checks `GET /health/ready` runs once the lifecycle is `ready`, by name. HealthModule
 * registers the app's `DataSource` (when one is injectable) as `database`; other modules add
 * theirs (broker, outbox lag, a service's own DataSource) through this registry.
 */
@Injectable()
export class ReadinessRegistry {
  private readonly checks = new Map<string, ReadinessCheck>();
  private dataSources = 0;

  /**
   * Adds a named check. Names are unique (a duplicate is a wiring mistake, so it throws);
   * `lifecycle` is taken by the probe's own phase indicator.
   */
  add(name: string, check: ReadinessCheck): this {
    if (name === 'lifecycle' || this.checks.has(name)) throw new Error(`Readiness check "${name}" is already registered`);
    this.checks.set(name, check);
    return this;
  }

  /** Adds a cheap `SELECT 1` over the pool of an existing DataSource (no new connection). */
  addDataSource(name: string, dataSource: DataSource): this {
    this.add(name, dataSourceCheck(dataSource));
    this.dataSources += 1;
    return this;
  }

  /** The registered checks, in registration order. */
  entries(): [string, ReadinessCheck][] {
    return [...this.checks];
  }

  /** Whether any database is checked: readiness without one would be a silent gap. */
  get checksDatabase(): boolean {
    return this.dataSources > 0;
  }
}

/**
 * A readiness check over a DataSource the app already holds: `SELECT 1` through its pool.
 * A destroyed or never-initialised DataSource reports down instead of throwing elsewhere.
 */
export function dataSourceCheck(dataSource: DataSource): ReadinessCheck {
  return async () => {
    if (!dataSource.isInitialized) throw new Error('DataSource is not initialized (closed or never connected)');
    await dataSource.query('SELECT 1');
  };
}

/**
 * A provider that registers the `DataSource` visible in the module it is listed in under `name`.
 * For modules whose DatabaseModule is not global (each service in the all-in-one mode has its
 * own pool): `providers: [dataSourceReadiness('orders-database')]`.
 */
export function dataSourceReadiness(name: string): FactoryProvider<string> {
  return {
    provide: `oms:health:readiness:${name}`,
    useFactory: (registry: ReadinessRegistry, dataSource: DataSource) => {
      registry.addDataSource(name, dataSource);
      return name;
    },
    inject: [ReadinessRegistry, DataSource],
  };
}
