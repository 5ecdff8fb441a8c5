import { Injectable, Logger, type OnModuleDestroy } from '@nestjs/common';

/**
 * Where a service instance is in its life: `starting` until `main` declares it ready, `ready`
 * while it should receive traffic, `draining` once shutdown began (never left again).
 */
export type LifecyclePhase = 'starting' | 'ready' | 'draining';

/** Called after each phase change, with the new and the previous phase. */
export type LifecycleListener = (phase: LifecyclePhase, previous: LifecyclePhase) => void;

/**
 * The single source of truth for readiness, shared by the HTTP probes and the gRPC health
 * service. One instance per process (HealthModule is global).
 */
@Injectable()
export class ServiceLifecycle implements OnModuleDestroy {
  private readonly logger = new Logger(ServiceLifecycle.name);
  private readonly listeners = new Set<LifecycleListener>();
  private current: LifecyclePhase = 'starting';
  private started = false;

  /** The current phase. */
  get phase(): LifecyclePhase {
    return this.current;
  }

  /** True once {@link markStarted} was called; stays true while draining. */
  get startupComplete(): boolean {
    return this.started;
  }

  /** True only in the `ready` phase: the instance should receive traffic. */
  get isReady(): boolean {
    return this.current === 'ready';
  }

  /**
   * Declares startup done (migrations checked, listeners up): `starting` becomes `ready`.
   * Called after {@link beginDrain}, it only records that startup completed: a process that is
   * shutting down must not advertise itself as ready again.
   */
  markStarted(): void {
    this.started = true;
    if (this.current === 'starting') this.transition('ready');
  }

  /** Shutdown began: readiness goes false at once, so balancers stop sending new work. Idempotent. */
  beginDrain(): void {
    if (this.current !== 'draining') this.transition('draining');
  }

  /**
   * Subscribes to phase changes (not called for the current phase).
   * @returns a function that unsubscribes.
   */
  onChange(listener: LifecycleListener): () => void {
    this.listeners.add(listener);
    return () => {
      this.listeners.delete(listener);
    };
  }

  /**
   * Safety net for shutdowns main did not announce (e.g. `enableShutdownHooks` handling the
   * signal itself): `onModuleDestroy` is the first hook Nest runs on close, before servers stop.
   */
  onModuleDestroy(): void {
    this.beginDrain();
  }

  private transition(next: LifecyclePhase): void {
    const previous = this.current;
    this.current = next;
    this.logger.log(`Service lifecycle: ${previous} -> ${next}`);
    for (const listener of [...this.listeners]) {
      try {
        listener(next, previous);
      } catch (error) {
        // One broken listener must not stop the others, nor a drain triggered by SIGTERM.
        this.logger.error(`Lifecycle listener failed: ${error instanceof Error ? error.message : String(error)}`);
      }
    }
  }
}
