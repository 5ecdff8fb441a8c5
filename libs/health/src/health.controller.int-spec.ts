import { Global, Module, type INestApplication } from '@nestjs/common';
import { NestFactory, Reflector } from '@nestjs/core';
import { FastifyAdapter, type NestFastifyApplication } from '@nestjs/platform-fastify';
import { DataSource } from 'typeorm';
import { HealthController } from './health.controller.js';
import { HealthModule } from './health.module.js';
import { ReadinessRegistry, dataSourceReadiness } from './readiness-registry.js';
import { ServiceLifecycle } from './service-lifecycle.js';

const databaseUrl = process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';

/** Stands in for the app's database module providing its DataSource globally. */
function globalDatabase(dataSource: DataSource): new () => unknown {
  @Global()
  @Module({ providers: [{ provide: DataSource, useValue: dataSource }], exports: [DataSource] })
  class GlobalDatabaseModule {}
  return GlobalDatabaseModule;
}

async function startApp(imports: NonNullable<Parameters<typeof Module>[0]['imports']>): Promise<NestFastifyApplication> {
  @Module({ imports })
  class AppModule {}
  const app = await NestFactory.create<NestFastifyApplication>(AppModule, new FastifyAdapter(), { logger: false });
  await app.init();
  await app.getHttpAdapter().getInstance().ready();
  return app;
}

async function get(app: INestApplication, path: string): Promise<{ status: number; body: Record<string, any> }> {
  const response = await (app as NestFastifyApplication).getHttpAdapter().getInstance().inject({ method: 'GET', url: path });
  return { status: response.statusCode, body: response.json() };
}

describe('HealthController on Fastify with a real DataSource', () => {
  let dataSource: DataSource;
  let app: NestFastifyApplication;
  let lifecycle: ServiceLifecycle;
  let brokerUp = true;

  beforeAll(async () => {
    dataSource = await new DataSource({ type: 'postgres', url: databaseUrl, poolSize: 2, applicationName: 'oms:health-spec' }).initialize();
    app = await startApp([
      globalDatabase(dataSource),
      HealthModule.forRoot({
        serviceNames: ['oms.v1.OrderService'],
        checkTimeoutMs: 200,
        extraChecks: {
          broker: () => {
            if (!brokerUp) throw new Error('broker unreachable');
            return { connected: true };
          },
        },
      }),
    ]);
    lifecycle = app.get(ServiceLifecycle);
  });

  afterAll(async () => {
    await app?.close();
    if (dataSource?.isInitialized) await dataSource.destroy();
  });

  it('marks the controller public for the auth guard', () => {
    expect(new Reflector().get('oms:public', HealthController)).toBe(true);
  });

  it('follows the lifecycle: starting, ready, then a lost check and a lost database, then draining', async () => {
    expect(await get(app, '/health/live')).toMatchObject({ status: 200, body: { status: 'ok', info: { process: { status: 'up' } } } });
    expect(await get(app, '/health/startup')).toMatchObject({ status: 503, body: { status: 'error', error: { startup: { status: 'down', phase: 'starting' } } } });
    expect(await get(app, '/health/ready')).toMatchObject({ status: 503, body: { status: 'error', error: { lifecycle: { status: 'down', phase: 'starting' } } } });

    lifecycle.markStarted();
    expect(await get(app, '/health/startup')).toMatchObject({ status: 200, body: { status: 'ok' } });
    expect(await get(app, '/health/ready')).toMatchObject({
      status: 200,
      body: { status: 'ok', info: { lifecycle: { status: 'up', phase: 'ready' }, database: { status: 'up' }, broker: { status: 'up', connected: true } } },
    });

    brokerUp = false;
    expect(await get(app, '/health/ready')).toMatchObject({ status: 503, body: { error: { broker: { status: 'down', message: 'broker unreachable' } } } });
    brokerUp = true;

    // A lost database: the pool is gone; readiness fails, the process keeps answering.
    await dataSource.destroy();
    expect(await get(app, '/health/ready')).toMatchObject({ status: 503, body: { status: 'error', error: { database: { status: 'down' } } } });
    expect(await get(app, '/health/live')).toMatchObject({ status: 200 });

    lifecycle.beginDrain();
    expect(await get(app, '/health/ready')).toMatchObject({ status: 503, body: { error: { lifecycle: { status: 'down', phase: 'draining' } } } });
    expect(await get(app, '/health/live')).toMatchObject({ status: 200 });
    expect(await get(app, '/health/startup')).toMatchObject({ status: 200 });
  });
});

describe('HealthController with checks registered by modules and a slow dependency', () => {
  let dataSource: DataSource;
  let app: NestFastifyApplication;

  beforeAll(async () => {
    dataSource = await new DataSource({ type: 'postgres', url: databaseUrl, poolSize: 2, applicationName: 'oms:health-spec' }).initialize();
    // No global DataSource: a service module registers its own (the all-in-one layout).
    @Module({ providers: [{ provide: DataSource, useValue: dataSource }, dataSourceReadiness('orders-database')] })
    class OrdersModule {}
    app = await startApp([HealthModule.forRoot({ serviceNames: [], checkTimeoutMs: 100 }), OrdersModule]);
    app.get(ServiceLifecycle).markStarted();
  });

  afterAll(async () => {
    await app?.close();
    if (dataSource?.isInitialized) await dataSource.destroy();
  });

  it('checks the registered DataSource and fails a check slower than the timeout', async () => {
    expect(await get(app, '/health/ready')).toMatchObject({ status: 200, body: { info: { 'orders-database': { status: 'up' } } } });
    expect(app.get(ReadinessRegistry).checksDatabase).toBe(true);

    app.get(ReadinessRegistry).add('slow', () => new Promise((resolve) => setTimeout(resolve, 2_000).unref()));
    const started = Date.now();
    expect(await get(app, '/health/ready')).toMatchObject({ status: 503, body: { error: { slow: { status: 'down', message: 'timeout of 100ms exceeded' } } } });
    expect(Date.now() - started).toBeLessThan(1_000);
  });
});
