import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';

/** Latency buckets (seconds) for requests and saga steps: 1 ms to 30 s. */
const LATENCY_BUCKETS = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30];

/** A value read at scrape time, e.g. the outbox backlog of one service. */
export type MetricsCollector = () => Promise<void> | void;

/**
 * Every metric of an OMS process, on one registry served at `/metrics`. Labels have bounded
 * values only: route templates (never raw paths), gRPC method names, status codes, saga steps,
 * consumer and queue names, order statuses. One instance per process
 * ({@link processMetrics}): the all-in-one process hosts several services on one endpoint and
 * tells them apart by the `service`, `consumer` or `queue` label.
 */
export class OmsMetrics {
  readonly registry = new Registry();

  readonly httpRequests = new Counter({
    name: 'http_server_requests_total',
    help: 'HTTP requests answered, by method, route template and status code.',
    labelNames: ['method', 'route', 'code'] as const,
    registers: [this.registry],
  });

  readonly httpDuration = new Histogram({
    name: 'http_server_request_duration_seconds',
    help: 'Time from receiving an HTTP request to sending its response.',
    labelNames: ['method', 'route', 'code'] as const,
    buckets: LATENCY_BUCKETS,
    registers: [this.registry],
  });

  readonly grpcRequests = new Counter({
    name: 'grpc_server_handled_total',
    help: 'gRPC calls completed, by service, method and status code name.',
    labelNames: ['grpc_service', 'grpc_method', 'grpc_code'] as const,
    registers: [this.registry],
  });

  readonly grpcDuration = new Histogram({
    name: 'grpc_server_handling_seconds',
    help: 'Time to complete a gRPC call.',
    labelNames: ['grpc_service', 'grpc_method', 'grpc_code'] as const,
    buckets: LATENCY_BUCKETS,
    registers: [this.registry],
  });

  readonly sagaStepDuration = new Histogram({
    name: 'oms_saga_step_duration_seconds',
    help: 'Time a saga step waited for its reply (from the phase being entered to the reply handled), by step and outcome.',
    labelNames: ['step', 'outcome'] as const,
    buckets: LATENCY_BUCKETS,
    registers: [this.registry],
  });

  readonly sagaOutcomes = new Counter({
    name: 'oms_saga_completed_total',
    help: 'Sagas that reached their end, by the final order status and reason.',
    labelNames: ['status', 'reason'] as const,
    registers: [this.registry],
  });

  readonly ordersByStatus = new Gauge({
    name: 'oms_orders',
    help: 'Orders by status (read at scrape time).',
    labelNames: ['status'] as const,
    registers: [this.registry],
  });

  readonly outboxBacklog = new Gauge({
    name: 'oms_outbox_backlog',
    help: 'Outbox rows not yet published, per service schema (read at scrape time).',
    labelNames: ['schema'] as const,
    registers: [this.registry],
  });

  readonly outboxOldestAge = new Gauge({
    name: 'oms_outbox_oldest_unpublished_age_seconds',
    help: 'Age of the oldest unpublished outbox row, per service schema; 0 when none (read at scrape time).',
    labelNames: ['schema'] as const,
    registers: [this.registry],
  });

  readonly messagesConsumed = new Counter({
    name: 'oms_messages_consumed_total',
    help: 'Deliveries taken by a consumer, by outcome: handled, duplicate, ignored (acknowledged unhandled, see handlesOnly), retry, dead_letter.',
    labelNames: ['consumer', 'queue', 'outcome'] as const,
    registers: [this.registry],
  });

  readonly deadLetters = new Counter({
    name: 'oms_dead_letters_total',
    help: 'Messages given up on and dead-lettered, by consumer, queue and reason.',
    labelNames: ['consumer', 'queue', 'reason'] as const,
    registers: [this.registry],
  });

  readonly gatewayLatency = new Histogram({
    name: 'oms_payment_gateway_latency_seconds',
    help: 'Time from a gateway request to its signed callback, by operation and outcome.',
    labelNames: ['operation', 'outcome'] as const,
    buckets: LATENCY_BUCKETS,
    registers: [this.registry],
  });

  private readonly collectors = new Map<string, MetricsCollector>();

  constructor() {
    collectDefaultMetrics({ register: this.registry });
  }

  /**
   * Runs `collector` before each scrape (e.g. to set a gauge from a query), until the returned
   * function is called. A collector that fails is skipped for that scrape; the others still run.
   */
  addCollector(name: string, collector: MetricsCollector): () => void {
    this.collectors.set(name, collector);
    return () => {
      if (this.collectors.get(name) === collector) this.collectors.delete(name);
    };
  }

  /** The Prometheus text exposition of every metric, collectors run first. */
  async scrape(): Promise<string> {
    await Promise.allSettled([...this.collectors.values()].map(async (collect) => collect()));
    return this.registry.metrics();
  }

  get contentType(): string {
    return this.registry.contentType;
  }
}

let shared: OmsMetrics | undefined;

/** The process's metrics (created on first use). */
export function processMetrics(): OmsMetrics {
  shared ??= new OmsMetrics();
  return shared;
}
