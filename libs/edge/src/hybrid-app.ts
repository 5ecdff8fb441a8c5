import type { INestApplication, Type } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { Transport, type GrpcOptions } from '@nestjs/microservices';
import { FastifyAdapter, type NestFastifyApplication } from '@nestjs/platform-fastify';
import { grpcLoaderOptions, PROTO_ROOT } from '#libs/contracts';
import { GrpcHealth, ServiceLifecycle } from '#libs/health';
import { connectMessagingTransports } from '#libs/messaging';
import { correlationIdOfRawRequest, PinoNestLogger } from '#libs/observability';
import { ReflectionService } from '@grpc/reflection';
import { join } from 'node:path';

export interface HybridAppOptions {
  readonly host: string;
  readonly httpPort: number;
  readonly grpcPort: number;
  /** Proto files (relative to proto/) of the gRPC services this process serves. */
  readonly protoFiles: readonly string[];
  /** Largest accepted request body, bytes. */
  readonly bodyLimit?: number;
  /** Close the app on SIGTERM/SIGINT (default true); off when the caller handles signals itself. */
  readonly shutdownHooks?: boolean;
  /**
   * How long open gRPC calls may run once shutdown began before they are cancelled (default
   * 10 s). Long-lived streams such as a load balancer's Health/Watch never end by themselves.
   */
  readonly shutdownGraceMs?: number;
}

export interface RunningApp {
  readonly app: INestApplication;
  readonly httpUrl: string;
  readonly grpcAddress: string;
  close(): Promise<void>;
}

/**
 * Starts one Nest app serving REST (Fastify) and gRPC on their ports with one set of guards,
 * interceptors and filters (`inheritAppConfig`), gRPC health attached, graceful shutdown on.
 * Readiness turns true only once both listeners are up.
 */
export async function startHybridApp(module: Type<unknown> | object, options: HybridAppOptions): Promise<RunningApp> {
  // genReqId: request logs carry the correlation id instead of Fastify's counter.
  const adapter = new FastifyAdapter({ bodyLimit: options.bodyLimit ?? 1024 * 1024, genReqId: correlationIdOfRawRequest });
  const app = await NestFactory.create<NestFastifyApplication>(module as Type<unknown>, adapter, { bufferLogs: true });
  app.useLogger(app.get(PinoNestLogger));
  if (options.shutdownHooks ?? true) exitOnSignals(app);

  const health = app.get(GrpcHealth);
  let grpcServer: { forceShutdown(): void } | undefined;
  const grpcOptions: GrpcOptions['options'] = health.addTo({
    url: `${options.host}:${options.grpcPort}`,
    package: ['oms.v1'],
    protoPath: options.protoFiles.map((f) => join(PROTO_ROOT, f)),
    loader: { ...grpcLoaderOptions, includeDirs: [...grpcLoaderOptions.includeDirs] },
    gracefulShutdown: true,
    // Server reflection: grpcurl and friends discover the services without the proto files.
    onLoadPackageDefinition: (pkg, server) => {
      grpcServer = server;
      new ReflectionService(pkg).addToServer(server);
    },
  });
  app.connectMicroservice<GrpcOptions>({ transport: Transport.GRPC, options: grpcOptions }, { inheritAppConfig: true });
  // Message consumers of every service module hosted here (RabbitMQ or the in-process broker).
  connectMessagingTransports(app);

  await app.startAllMicroservices();
  await app.listen(options.httpPort, options.host);
  const lifecycle = app.get(ServiceLifecycle);
  // Nest's graceful gRPC close (tryShutdown) has no deadline: once draining, give open calls the
  // grace period, then cancel them. Covers both close() and enableShutdownHooks.
  lifecycle.onChange((phase) => {
    if (phase === 'draining') setTimeout(() => grpcServer?.forceShutdown(), options.shutdownGraceMs ?? 10_000).unref();
  });
  lifecycle.markStarted();

  const address = app.getHttpServer().address();
  const httpPort = typeof address === 'object' && address ? address.port : options.httpPort;
  return {
    app,
    httpUrl: `http://${options.host === '0.0.0.0' ? '127.0.0.1' : options.host}:${httpPort}`,
    grpcAddress: `${options.host === '0.0.0.0' ? '127.0.0.1' : options.host}:${options.grpcPort}`,
    close: () => app.close(),
  };
}

/**
 * SIGTERM/SIGINT: drain (readiness false, consumers cancelled, in-flight work finished, relay
 * stopped, connections closed) and exit 0, as the contract asks. Nest's own hooks re-raise the
 * signal instead, which ends the process with a signal status. A repeated signal does not cut
 * the drain short.
 */
function exitOnSignals(app: INestApplication): void {
  let closing: Promise<void> | undefined;
  const close = (): void => {
    closing ??= app.close().then(
      () => process.exit(0),
      (error: unknown) => {
        process.stderr.write(`shutdown failed: ${error instanceof Error ? error.message : String(error)}\n`);
        process.exit(1);
      },
    );
  };
  process.on('SIGTERM', close);
  process.on('SIGINT', close);
}
