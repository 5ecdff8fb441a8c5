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
import { loadEdgeSecurityConfig, type EdgeSecurityConfig } from './edge-security.config.js';
import { HTTP_SECURITY_HEADERS, helmet } from './http-security.js';
import { tolerateMalformedGrpcRequests } from './request-sanity.js';
import { countHttpRequests, inFlightRequests } from './in-flight-requests.js';
import { coordinateShutdown, loadShutdownConfig, type ShutdownConfig } from './shutdown.js';
import { processMetrics, recordHttpMetrics } from '#libs/metrics';

export interface HybridAppOptions {
  readonly host: string;
  readonly httpPort: number;
  readonly grpcPort: number;
  /** Proto files (relative to proto/) of the gRPC services this process serves. */
  readonly protoFiles: readonly string[];
  /**
   * Size limits (HTTP body, gRPC message); defaults to the OMS_HTTP_BODY_LIMIT_BYTES /
   * OMS_GRPC_MAX_MESSAGE_BYTES variables. Pass the same value as to `EdgeModule.forRoot`.
   */
  readonly security?: EdgeSecurityConfig;
  /** Largest accepted request body, bytes; overrides `security.httpBodyLimitBytes`. */
  readonly bodyLimit?: number;
  /** Close the app on SIGTERM/SIGINT (default true); off when the caller handles signals itself. */
  readonly shutdownHooks?: boolean;
  /** Drain delay and grace period on a signal; defaults to OMS_SHUTDOWN_DELAY_MS / OMS_SHUTDOWN_GRACE_MS. */
  readonly shutdown?: ShutdownConfig;
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
  const security = options.security ?? loadEdgeSecurityConfig(process.env);
  const adapter = new FastifyAdapter({
    bodyLimit: options.bodyLimit ?? security.httpBodyLimitBytes,
    // Request logs carry the correlation id instead of Fastify's counter.
    genReqId: correlationIdOfRawRequest,
    // Fastify's defaults, stated: a JSON body with `__proto__` or `constructor.prototype` is a 400.
    onProtoPoisoning: 'error',
    onConstructorPoisoning: 'error',
    // Path ids are validated by the API (up to 128 characters), as over gRPC, not cut off by the router.
    routerOptions: { maxParamLength: 256 },
    // A client gets this long to send a whole request (slow-loris); the answer may take longer.
    requestTimeout: 30_000,
  });
  const app = await NestFactory.create<NestFastifyApplication>(module as Type<unknown>, adapter, { bufferLogs: true });
  app.useLogger(app.get(PinoNestLogger));
  await app.register(helmet, HTTP_SECURITY_HEADERS);
  const lifecycle = app.get(ServiceLifecycle);
  const shutdown = options.shutdown ?? loadShutdownConfig(process.env);
  watchHttpRequests(app.getHttpAdapter().getInstance(), lifecycle);
  if (options.shutdownHooks ?? true) {
    const begin = coordinateShutdown({ app, lifecycle, inFlight: inFlightRequests(), config: shutdown });
    process.on('SIGTERM', () => void begin());
    process.on('SIGINT', () => void begin());
  }

  const health = app.get(GrpcHealth);
  let grpcServer: { forceShutdown(): void } | undefined;
  const grpcOptions: GrpcOptions['options'] = health.addTo({
    url: `${options.host}:${options.grpcPort}`,
    package: ['oms.v1'],
    protoPath: options.protoFiles.map((f) => join(PROTO_ROOT, f)),
    loader: { ...grpcLoaderOptions, includeDirs: [...grpcLoaderOptions.includeDirs] },
    gracefulShutdown: true,
    // Larger messages are refused by grpc-js with RESOURCE_EXHAUSTED before they are decoded.
    maxReceiveMessageLength: security.grpcMaxMessageBytes,
    // Server reflection: grpcurl and friends discover the services without the proto files.
    onLoadPackageDefinition: (pkg, server) => {
      grpcServer = server;
      tolerateMalformedGrpcRequests(pkg as Record<string, unknown>, ['oms.v1']);
      new ReflectionService(pkg).addToServer(server);
    },
  });
  app.connectMicroservice<GrpcOptions>({ transport: Transport.GRPC, options: grpcOptions }, { inheritAppConfig: true });
  // Message consumers of every service module hosted here (RabbitMQ or the in-process broker).
  connectMessagingTransports(app);

  // Lifecycle hooks first: CqrsModule registers its command handlers in onApplicationBootstrap,
  // and `startAllMicroservices` does not run the hooks, `listen` does. Started the other way round,
  // a restarting service answered the gRPC calls and messages waiting for it with
  // CommandHandlerNotFoundException (nestjs/docs.nestjs.com#2485).
  await app.init();
  await app.startAllMicroservices();
  await app.listen(options.httpPort, options.host);
  // Nest's graceful gRPC close (tryShutdown) has no deadline: once draining (and past the drain
  // delay), give open calls the grace period, then cancel them. Covers close() and signals.
  lifecycle.onChange((phase) => {
    if (phase === 'draining') setTimeout(() => grpcServer?.forceShutdown(), shutdown.delayMs + (options.shutdownGraceMs ?? 10_000)).unref();
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

/** What the hooks need of Fastify (kept structural). */
interface FastifyHooks {
  addHook(name: string, hook: (...args: never[]) => unknown): unknown;
}

/**
 * Every HTTP request (404s and 413s too) is measured for `/metrics` and counted while in flight
 * (a shutdown waits for them); once draining, responses ask the client to close the connection,
 * so keep-alive sockets move to the other replicas before this one's listener closes.
 */
function watchHttpRequests(fastify: unknown, lifecycle: ServiceLifecycle): void {
  const hooks = fastify as FastifyHooks;
  recordHttpMetrics(fastify as Parameters<typeof recordHttpMetrics>[0], processMetrics());
  countHttpRequests(fastify, inFlightRequests());
  hooks.addHook('onSend', ((_request: unknown, reply: { header(name: string, value: string): unknown }, payload: unknown, done: (error: null, payload: unknown) => void) => {
    if (lifecycle.phase === 'draining') reply.header('connection', 'close');
    done(null, payload);
  }) as never);
}
