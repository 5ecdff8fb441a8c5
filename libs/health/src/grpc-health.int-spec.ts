import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import * as grpc from '@grpc/grpc-js';
import * as protoLoader from '@grpc/proto-loader';
import { Controller, Module } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { GrpcMethod, Transport, type GrpcOptions } from '@nestjs/microservices';
import { FastifyAdapter, type NestFastifyApplication } from '@nestjs/platform-fastify';
import { GrpcHealth, HEALTH_PROTO_PATH } from './grpc-health.js';
import { HealthModule } from './health.module.js';
import { ReadinessMonitor } from './readiness-monitor.js';
import { ReadinessRegistry } from './readiness-registry.js';
import { ServiceLifecycle } from './service-lifecycle.js';
import { freePort } from '#libs/testing';

const SERVICE = 'health_spec.v1.EchoService';

const ECHO_PROTO = `syntax = "proto3";
package health_spec.v1;
service EchoService { rpc Echo(EchoMessage) returns (EchoMessage); }
message EchoMessage { string text = 1; }
`;

@Controller()
class EchoController {
  @GrpcMethod('EchoService', 'Echo')
  echo(message: { text: string }): { text: string } {
    return message;
  }
}

interface HealthClient extends grpc.Client {
  Check(request: { service: string }, options: grpc.CallOptions, callback: (error: grpc.ServiceError | null, response?: { status: string }) => void): void;
}

/** Resolves to the status name, or to the gRPC error code name when the call fails. */
function check(client: HealthClient, service: string): Promise<string> {
  return new Promise((resolve) => {
    client.Check({ service }, { deadline: Date.now() + 2_000 }, (error, response) =>
      resolve(error ? grpc.status[error.code] : (response?.status ?? 'no response')),
    );
  });
}

describe('gRPC health in a hybrid Nest app', () => {
  let dir: string;
  let app: NestFastifyApplication;
  let client: HealthClient;
  let lifecycle: ServiceLifecycle;

  beforeAll(async () => {
    dir = await mkdtemp(path.join(tmpdir(), 'oms-health-spec-'));
    const echoProto = path.join(dir, 'echo.proto');
    await writeFile(echoProto, ECHO_PROTO);
    const url = `127.0.0.1:${await freePort()}`;

    @Module({ imports: [HealthModule.forRoot({ serviceNames: [SERVICE] })], controllers: [EchoController] })
    class AppModule {}
    app = await NestFactory.create<NestFastifyApplication>(AppModule, new FastifyAdapter(), { logger: false });
    const health = app.get(GrpcHealth);
    app.connectMicroservice<GrpcOptions>(
      { transport: Transport.GRPC, options: health.addTo({ url, package: ['health_spec.v1'], protoPath: [echoProto], gracefulShutdown: true }) },
      { inheritAppConfig: true },
    );
    await app.startAllMicroservices();
    await app.init();
    lifecycle = app.get(ServiceLifecycle);

    const definition = protoLoader.loadSync(HEALTH_PROTO_PATH, { keepCase: true, enums: String, defaults: true });
    const loaded = grpc.loadPackageDefinition(definition) as unknown as { grpc: { health: { v1: { Health: grpc.ServiceClientConstructor } } } };
    client = new loaded.grpc.health.v1.Health(url, grpc.credentials.createInsecure()) as unknown as HealthClient;
  });

  afterAll(async () => {
    client?.close();
    await app?.close();
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it('answers NOT_SERVING before ready, SERVING when ready, NOT_SERVING when draining, NOT_FOUND for unknown names', async () => {
    expect([await check(client, ''), await check(client, SERVICE)]).toEqual(['NOT_SERVING', 'NOT_SERVING']);
    lifecycle.markStarted();
    expect([await check(client, ''), await check(client, SERVICE)]).toEqual(['SERVING', 'SERVING']);
    expect(await check(client, 'oms.v1.NoSuchService')).toBe('NOT_FOUND');
    lifecycle.beginDrain();
    expect([await check(client, ''), await check(client, SERVICE)]).toEqual(['NOT_SERVING', 'NOT_SERVING']);
  });
});

describe('GrpcHealth on a bare grpc-js server', () => {
  it('can be attached by hand and follows a lifecycle', async () => {
    const health = new GrpcHealth(['oms.v1.OrderService']);
    const server = new grpc.Server();
    health.attach(server);
    health.attach(server); // ignored, not a duplicate-service error
    const port = await new Promise<number>((resolve, reject) =>
      server.bindAsync('127.0.0.1:0', grpc.ServerCredentials.createInsecure(), (error, bound) => (error ? reject(error) : resolve(bound))),
    );
    const definition = protoLoader.loadSync(health.protoPath, { keepCase: true, enums: String });
    const loaded = grpc.loadPackageDefinition(definition) as unknown as { grpc: { health: { v1: { Health: grpc.ServiceClientConstructor } } } };
    const client = new loaded.grpc.health.v1.Health(`127.0.0.1:${port}`, grpc.credentials.createInsecure()) as unknown as HealthClient;
    try {
      const lifecycle = new ServiceLifecycle();
      lifecycle.markStarted();
      const stop = health.follow(lifecycle);
      expect(await check(client, 'oms.v1.OrderService')).toBe('SERVING');
      stop();
      lifecycle.beginDrain();
      expect(await check(client, 'oms.v1.OrderService')).toBe('SERVING');
    } finally {
      client.close();
      server.forceShutdown();
    }
  });

  it('follows the readiness checks too: NOT_SERVING while one fails, SERVING again once it passes', async () => {
    const health = new GrpcHealth(['oms.v1.OrderService']);
    const server = new grpc.Server();
    health.attach(server);
    const port = await new Promise<number>((resolve, reject) =>
      server.bindAsync('127.0.0.1:0', grpc.ServerCredentials.createInsecure(), (error, bound) => (error ? reject(error) : resolve(bound))),
    );
    const definition = protoLoader.loadSync(health.protoPath, { keepCase: true, enums: String });
    const loaded = grpc.loadPackageDefinition(definition) as unknown as { grpc: { health: { v1: { Health: grpc.ServiceClientConstructor } } } };
    const client = new loaded.grpc.health.v1.Health(`127.0.0.1:${port}`, grpc.credentials.createInsecure()) as unknown as HealthClient;
    const lifecycle = new ServiceLifecycle();
    const registry = new ReadinessRegistry();
    let brokerUp = true;
    registry.add('broker', () => {
      if (!brokerUp) throw new Error('connection lost');
    });
    registry.add('slow', () => new Promise((resolve) => setTimeout(resolve, 5)));
    const monitor = new ReadinessMonitor(registry, lifecycle, health, { serviceNames: ['oms.v1.OrderService'], checkTimeoutMs: 200 });
    try {
      health.follow(lifecycle);
      lifecycle.markStarted();
      expect(await monitor.check()).toBe(true);
      expect(await check(client, 'oms.v1.OrderService')).toBe('SERVING');
      brokerUp = false;
      expect(await monitor.check()).toBe(false);
      expect(await check(client, 'oms.v1.OrderService')).toBe('NOT_SERVING');
      expect(await check(client, '')).toBe('NOT_SERVING');
      brokerUp = true;
      expect(await monitor.check()).toBe(true);
      expect(await check(client, 'oms.v1.OrderService')).toBe('SERVING');
      // Draining wins over passing checks.
      lifecycle.beginDrain();
      expect(await check(client, 'oms.v1.OrderService')).toBe('NOT_SERVING');
    } finally {
      client.close();
      server.forceShutdown();
    }
  });

  it('refuses grpc.health.v1 in package and keeps an existing hook', () => {
    const health = new GrpcHealth([]);
    expect(() => health.addTo({ package: ['oms.v1', 'grpc.health.v1'], protoPath: 'a.proto' })).toThrow(/grpc\.health\.v1/);
    const calls: unknown[] = [];
    const options = health.addTo({ package: 'oms.v1', protoPath: 'a.proto', onLoadPackageDefinition: (pkg) => calls.push(pkg) });
    expect(options.protoPath).toEqual(['a.proto', HEALTH_PROTO_PATH]);
    const server = { addService: () => calls.push('added') };
    options.onLoadPackageDefinition?.('pkg', server);
    expect(calls).toEqual(['pkg', 'added']);
  });
});
