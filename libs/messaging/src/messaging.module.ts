import {
  Inject,
  Injectable,
  Logger,
  Module,
  type BeforeApplicationShutdown,
  type DynamicModule,
  type INestApplication,
  type INestMicroservice,
  type ModuleMetadata,
  type OnApplicationBootstrap,
  type OnModuleInit,
  Optional,
} from '@nestjs/common';
import { ReadinessRegistry } from '#libs/health';
import { TransactionRunner } from '#libs/database';
import { DataSource } from 'typeorm';
import { AmqpPublisher } from './amqp.publisher.js';
import { AmqpTransport } from './amqp.transport.js';
import { sharedInProcessBroker, type InProcessBroker } from './in-process.broker.js';
import { InProcessPublisher } from './in-process.publisher.js';
import { InProcessTransport } from './in-process.transport.js';
import { MessageErrorInterceptor } from './message-error.interceptor.js';
import { MessageFailurePassThrough } from './message-failure.filter.js';
import { MessagePublisher } from './message.publisher.js';
import type { MessagingQueue } from './messaging-queue.js';
import type { MessagingServer } from './messaging.server.js';
import { OutboxRelay, type OutboxRelayOptions } from './outbox.relay.js';
import { OutboxWriter } from './outbox.writer.js';
import { recordDeliveryOutcome, recordOutboxBacklog } from './messaging.metrics.js';

/** Options of {@link MessagingModule.forRoot}. */
export interface MessagingModuleOptions {
  /** `amqp`: RabbitMQ at `url`; `in-process`: the process's {@link InProcessBroker} (all-in-one mode). */
  readonly mode: 'amqp' | 'in-process';
  /** RabbitMQ URL; required in `amqp` mode. */
  readonly url?: string;
  /** The service as a consumer: inbox rows, transport id, connection names. E.g. `inventory-service`. */
  readonly consumer: string;
  /** The service's schema, holding its `outbox` and `inbox`. */
  readonly schema: string;
  /**
   * Modules that export the service's `DataSource` and `TransactionRunner` (e.g. its persistence
   * module; pass the same DynamicModule object the service imports, so Nest reuses that instance).
   */
  readonly imports?: ModuleMetadata['imports'];
  /** Queues this service consumes (none: it only publishes). */
  readonly queues?: readonly MessagingQueue[];
  /** Consumer retry backoff (default 1 s, 5 s, 30 s). */
  readonly retryDelaysMs?: readonly number[];
  /** AMQP topology names (defaults: `oms.commands`, `oms.replies`, `oms.events`; `oms.retry`; `oms.dlx`). */
  readonly exchanges?: readonly string[];
  readonly retryExchange?: string;
  readonly deadLetterExchange?: string;
  /** In-process mode: the broker to use (default: the process-wide one). */
  readonly broker?: InProcessBroker;
  /** Relay tuning, or `false` for no relay in this process. */
  readonly relay?: false | Pick<OutboxRelayOptions, 'batchSize' | 'idleMs' | 'maxAttempts' | 'backoffBaseMs' | 'backoffMaxMs'>;
  /** Broker confirm timeout (default 10 s). */
  readonly confirmTimeoutMs?: number;
  /** How long closing the transport waits for handlers in flight (default 30 s). */
  readonly drainTimeoutMs?: number;
  /** When `/health/ready` reports the outbox as lagging (defaults: 10,000 pending rows, oldest 60 s). */
  readonly readiness?: { readonly maxOutboxBacklog?: number; readonly maxOutboxAgeMs?: number };
}

const OPTIONS = Symbol('MessagingModuleOptions');

/**
 * Builds this service's message transport (a Nest custom transport strategy) once, and
 * remembers it so the module can drain it at shutdown before the relay stops. Wire it with
 * {@link connectMessagingTransport}.
 */
@Injectable()
export class MessagingTransportFactory {
  private created?: MessagingServer;

  constructor(
    @Inject(OPTIONS) private readonly options: MessagingModuleOptions,
    private readonly tx: TransactionRunner,
  ) {}

  /** The transport strategy (the same instance on every call). */
  transport(): MessagingServer {
    this.created ??= this.create();
    return this.created;
  }

  /** The transport if one was asked for (shutdown). */
  existing(): MessagingServer | undefined {
    return this.created;
  }

  /** The consumer this factory's transport serves. */
  get consumer(): string {
    return this.options.consumer;
  }

  /** Whether the service consumes anything (a publish-only service needs no transport). */
  get consumes(): boolean {
    return (this.options.queues ?? []).length > 0;
  }

  /**
   * In-process mode: declares this service's queues on the broker now. Called at module init,
   * before any relay of the process starts at bootstrap and before the transports listen (the
   * hybrid app runs the lifecycle hooks first): an event relayed in between then fails "no
   * consumer" and stays in the outbox, instead of being routed nowhere (delivered to no one).
   * RabbitMQ keeps its durable queues across restarts, so it needs no such step.
   */
  declareQueues(): void {
    const transport = this.options.mode === 'in-process' && this.consumes ? this.transport() : undefined;
    if (transport instanceof InProcessTransport) transport.declareQueues();
  }

  private create(): MessagingServer {
    const o = this.options;
    const common = {
      consumer: o.consumer,
      queues: o.queues ?? [],
      retryDelaysMs: o.retryDelaysMs,
      tx: this.tx,
      schema: o.schema,
      drainTimeoutMs: o.drainTimeoutMs,
      onOutcome: recordDeliveryOutcome(o.consumer),
    };
    if (o.mode === 'in-process') return new InProcessTransport({ ...common, broker: o.broker ?? sharedInProcessBroker() });
    return new AmqpTransport({
      ...common,
      url: requireUrl(o),
      exchanges: o.exchanges,
      retryExchange: o.retryExchange,
      deadLetterExchange: o.deadLetterExchange,
      confirmTimeoutMs: o.confirmTimeoutMs,
    });
  }
}

/**
 * Starts the relay once the application is up, and at shutdown (before the DataSource closes)
 * drains the consumers first (their handlers may still append outbox rows), then stops the
 * relay after its current batch, then closes the publisher.
 */
@Injectable()
export class MessagingLifecycle implements OnModuleInit, OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly logger = new Logger(MessagingLifecycle.name);
  private stopped?: Promise<void>;
  private removeCollector?: () => void;

  constructor(
    private readonly transports: MessagingTransportFactory,
    private readonly relay: OutboxRelay,
    private readonly publisher: MessagePublisher,
    @Inject(OPTIONS) private readonly options: MessagingModuleOptions,
    @Optional() private readonly readiness?: ReadinessRegistry,
  ) {}

  /**
   * Readiness of this service's messaging, read by `/health/ready` through what the service
   * already holds: the consumer connection's state (no probe connection) and the outbox stats.
   * Parked rows (given up on) do not count: they need an operator, not a restart; metrics show them.
   */
  onModuleInit(): void {
    this.transports.declareQueues();
    if (!this.readiness) return;
    const { consumer, schema } = this.options;
    if (this.transports.consumes) {
      this.readiness.add(`broker:${consumer}`, () => {
        const status = this.transports.existing()?.connectionStatus() ?? { connected: false, reason: 'not listening yet' };
        if (!status.connected) throw new Error(`message broker not connected: ${status.reason ?? 'unknown'}`);
      });
    }
    const maxBacklog = this.options.readiness?.maxOutboxBacklog ?? 10_000;
    const maxAgeMs = this.options.readiness?.maxOutboxAgeMs ?? 60_000;
    this.readiness.add(`outbox:${schema}`, async () => {
      const stats = await this.relay.stats();
      if (stats.pending > maxBacklog || stats.oldestPendingAgeMs > maxAgeMs) {
        throw new Error(`outbox lagging: ${stats.pending} rows pending, oldest ${Math.round(stats.oldestPendingAgeMs / 1000)} s (limits ${maxBacklog} rows, ${maxAgeMs / 1000} s)`);
      }
      return { ...stats };
    });
  }

  onApplicationBootstrap(): void {
    if (this.options.relay !== false) this.relay.start();
    this.removeCollector = recordOutboxBacklog(this.options.schema, this.relay);
  }

  beforeApplicationShutdown(): Promise<void> {
    this.stopped ??= this.stop();
    return this.stopped;
  }

  private async stop(): Promise<void> {
    this.removeCollector?.();
    await this.transports
      .existing()
      ?.close()
      .catch((error: unknown) => this.logger.error({ err: error, consumer: this.options.consumer }, 'closing the message transport failed'));
    await this.relay.stop();
    await this.publisher.close();
  }
}

/**
 * A service's messaging: `OutboxWriter` (append messages in the current transaction),
 * `MessagePublisher`, `OutboxRelay` (started at bootstrap, stopped at shutdown after the
 * consumers) and `MessagingTransportFactory` (the consumer transport for
 * `app.connectMicroservice`). Not global: in the all-in-one process each service module imports
 * its own, over its own schema; in-process they share one broker.
 *
 * ```ts
 * const persistence = InventoryPersistenceModule.forRoot(...);   // exports DataSource, TransactionRunner
 * imports: [persistence, MessagingModule.forRoot({ mode, url, consumer: 'inventory-service',
 *   schema: 'inventory_service', imports: [persistence],
 *   queues: [{ name: 'inventory-service.commands', bindings: [{ exchange: 'oms.commands', pattern: 'inventory.*' }] }] })]
 * ```
 */
@Module({})
export class MessagingModule {
  static forRoot(options: MessagingModuleOptions): DynamicModule {
    if (options.mode === 'amqp') requireUrl(options);
    return {
      module: MessagingModule,
      imports: [...(options.imports ?? [])],
      providers: [
        { provide: OPTIONS, useValue: options },
        { provide: OutboxWriter, inject: [TransactionRunner], useFactory: (tx: TransactionRunner) => new OutboxWriter(tx, options.schema) },
        {
          provide: MessagePublisher,
          useFactory: (): MessagePublisher =>
            options.mode === 'in-process'
              ? new InProcessPublisher(options.broker ?? sharedInProcessBroker())
              : new AmqpPublisher({ url: requireUrl(options), connectionName: `oms:${options.consumer}:publisher`, confirmTimeoutMs: options.confirmTimeoutMs }),
        },
        {
          provide: OutboxRelay,
          inject: [DataSource, MessagePublisher],
          useFactory: (dataSource: DataSource, publisher: MessagePublisher) =>
            new OutboxRelay({ ...(options.relay || {}), dataSource, schema: options.schema, publisher, logger: new Logger(`OutboxRelay:${options.consumer}`) }),
        },
        MessagingTransportFactory,
        MessagingLifecycle,
      ],
      exports: [OutboxWriter, MessagePublisher, OutboxRelay, MessagingTransportFactory],
    };
  }
}

/** Options of {@link connectMessagingTransport}. */
export interface ConnectMessagingOptions {
  /**
   * Apply the app's global guards, interceptors, pipes and filters to message handlers too
   * (default false). With it, handlers must pass the app's guards (e.g. `@Public()` for an
   * auth guard); the app's `CorrelationInterceptor` keeps the message's correlation id.
   */
  readonly inheritAppConfig?: boolean;
}

/**
 * Connects a service's message transport to a hybrid app, with the {@link MessageErrorInterceptor}
 * and {@link MessageFailurePassThrough} installed before Nest registers the handlers, and returns
 * the microservice. Start it with
 * `app.startAllMicroservices()` as usual; the transport declares its topology and subscribes then.
 */
export function connectMessagingTransport(
  app: INestApplication,
  factory: MessagingTransportFactory,
  options: ConnectMessagingOptions = {},
): INestMicroservice {
  // Handlers are registered at connect time unless deferred, and global interceptors are read
  // when a handler is registered: defer, add ours, and mark init hooks as done (the app runs
  // them once, for every module) so the microservice does not run them a second time.
  const microservice = app.connectMicroservice(
    { strategy: factory.transport() },
    { inheritAppConfig: options.inheritAppConfig ?? false, deferInitialization: true },
  );
  (microservice as INestMicroservice & { setIsInitHookCalled?(called: boolean): void }).setIsInitHookCalled?.(true);
  microservice.useGlobalInterceptors(new MessageErrorInterceptor());
  microservice.useGlobalFilters(new MessageFailurePassThrough());
  return microservice;
}

/**
 * Connects the message transport of every `MessagingModule` in the app that has queues to
 * consume: one for a single service, one per service in the all-in-one process.
 */
export function connectMessagingTransports(app: INestApplication, options: ConnectMessagingOptions = {}): INestMicroservice[] {
  return app
    .get(MessagingTransportFactory, { each: true })
    .filter((factory) => factory.consumes)
    .map((factory) => connectMessagingTransport(app, factory, options));
}

function requireUrl(options: MessagingModuleOptions): string {
  if (!options.url) throw new Error(`MessagingModule (${options.consumer}): mode 'amqp' needs a url`);
  return options.url;
}
