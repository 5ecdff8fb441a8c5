/** Settings of the simulated card network. */
export class SimulatedGatewayConfig {
  constructor(
    /** How long the network takes to answer a request (`OMS_GATEWAY_LATENCY_MS`). */
    readonly latencyMs: number,
    /** Full URL of payment-service's callback endpoint. */
    readonly callbackUrl: string,
    /** Signs callbacks (`OMS_GATEWAY_WEBHOOK_SECRET`). */
    readonly webhookSecret: string,
    /** How often due callbacks are looked for besides the timers each request sets. */
    readonly sweepIntervalMs = 1_000,
    /** Deliveries of one callback before the network gives up on it. */
    readonly maxDeliveryAttempts = 12,
    readonly deliveryTimeoutMs = 5_000,
  ) {}
}
