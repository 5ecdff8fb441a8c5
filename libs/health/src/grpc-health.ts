import type { GrpcOptions } from '@nestjs/microservices';
import { HealthImplementation, protoPath, type ServingStatus } from 'grpc-health-check';
import type { LifecyclePhase, ServiceLifecycle } from './service-lifecycle.js';

/**
 * Absolute path of the `grpc.health.v1` proto shipped in grpc-health-check (resolved by that
 * package from its own location, so it holds from `dist/` too). Listed in the server's
 * `protoPath` so reflection sees the Health service; never list `grpc.health.v1` in `package`:
 * Nest would register the service a second time and startup would fail.
 */
export const HEALTH_PROTO_PATH: string = protoPath;

/** The overall server status name of the Health protocol. */
const OVERALL = '';

/** What `attach` needs of a server: grpc-js' `Server` (what Nest passes to `onLoadPackageDefinition`). */
export type GrpcHealthServer = Parameters<HealthImplementation['addToServer']>[0];

/** The options of a Nest gRPC microservice (`GrpcOptions['options']`). */
export type GrpcServerOptions = GrpcOptions['options'];

/**
 * Sets `''` and every name in `serviceNames` to SERVING while `lifecycle` is `ready` (and
 * `dependenciesUp()` says so), NOT_SERVING otherwise, now and on every later phase change.
 * @returns a function that stops following the lifecycle, and `refresh` to re-apply after the
 * dependencies changed.
 */
export function bindGrpcHealth(
  lifecycle: ServiceLifecycle,
  healthImpl: HealthImplementation,
  serviceNames: readonly string[],
  dependenciesUp: () => boolean = () => true,
): (() => void) & { refresh(): void } {
  const apply = (phase: LifecyclePhase): void => {
    const status: ServingStatus = phase === 'ready' && dependenciesUp() ? 'SERVING' : 'NOT_SERVING';
    for (const name of [OVERALL, ...serviceNames]) healthImpl.setStatus(name, status);
  };
  apply(lifecycle.phase);
  const stop = lifecycle.onChange((phase) => apply(phase));
  return Object.assign(() => stop(), { refresh: () => apply(lifecycle.phase) });
}

/**
 * The standard `grpc.health.v1.Health` service for one process: `''` and each of its service
 * names, NOT_SERVING until followed lifecycle is `ready`. Other names answer NOT_FOUND.
 */
export class GrpcHealth {
  /** The grpc-health-check implementation (Check, Watch, List). */
  readonly implementation: HealthImplementation;
  /** See {@link HEALTH_PROTO_PATH}. */
  readonly protoPath = HEALTH_PROTO_PATH;
  private readonly servers = new WeakSet<GrpcHealthServer>();
  private dependenciesUp = true;
  private following?: ReturnType<typeof bindGrpcHealth>;

  constructor(readonly serviceNames: readonly string[]) {
    this.implementation = new HealthImplementation(
      Object.fromEntries([OVERALL, ...serviceNames].map((name): [string, ServingStatus] => [name, 'NOT_SERVING'])),
    );
  }

  /**
   * Adds the Health service to a gRPC server; call it from `onLoadPackageDefinition(pkg, server)`.
   * A second call for the same server is ignored (grpc-js would throw on a duplicate service).
   */
  attach(server: GrpcHealthServer): void {
    if (this.servers.has(server)) return;
    this.implementation.addToServer(server);
    this.servers.add(server);
  }

  /**
   * Makes the statuses follow `lifecycle` (see {@link bindGrpcHealth}).
   * @returns a function that stops following it.
   */
  follow(lifecycle: ServiceLifecycle): () => void {
    this.following = bindGrpcHealth(lifecycle, this.implementation, this.serviceNames, () => this.dependenciesUp);
    return this.following;
  }

  /**
   * What the readiness checks last found (see `ReadinessMonitor`): while a dependency is down,
   * every name answers NOT_SERVING even in the `ready` phase, as `/health/ready` answers 503.
   */
  setDependenciesUp(up: boolean): void {
    if (up === this.dependenciesUp) return;
    this.dependenciesUp = up;
    this.following?.refresh();
  }

  /**
   * Returns `options` with the health proto appended to `protoPath` and `attach` chained after
   * any existing `onLoadPackageDefinition`. Rejects a `package` that lists `grpc.health.v1`.
   */
  addTo(options: GrpcServerOptions): GrpcServerOptions {
    const packages = Array.isArray(options.package) ? options.package : [options.package];
    if (packages.includes('grpc.health.v1')) {
      throw new Error('Do not list grpc.health.v1 in the gRPC "package" option: GrpcHealth serves it');
    }
    const previous = options.onLoadPackageDefinition;
    const paths = options.protoPath === undefined ? [] : Array.isArray(options.protoPath) ? options.protoPath : [options.protoPath];
    return {
      ...options,
      // protoPath and packageDefinition are mutually exclusive in Nest: keep a packageDefinition as given.
      ...(options.packageDefinition === undefined && { protoPath: paths.includes(HEALTH_PROTO_PATH) ? paths : [...paths, HEALTH_PROTO_PATH] }),
      onLoadPackageDefinition: (pkg: unknown, server: GrpcHealthServer) => {
        previous?.(pkg, server);
        this.attach(server);
      },
    };
  }
}

/** Shorthand for `new GrpcHealth(serviceNames)`. */
export function createGrpcHealth(serviceNames: readonly string[]): GrpcHealth {
  return new GrpcHealth(serviceNames);
}
