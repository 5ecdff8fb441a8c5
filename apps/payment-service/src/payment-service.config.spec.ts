import { DEFAULT_EDGE_SECURITY } from '#libs/edge';
import { ConfigError, loadPaymentServiceConfig } from './payment-service.config.js';

const BASE = { DATABASE_URL: 'postgres://u:p@db:5432/oms', OMS_JWT_SECRET: 'jwt-secret-with-enough-entropy' };

function problemsOf(env: Record<string, string>): readonly string[] {
  try {
    loadPaymentServiceConfig(env);
  } catch (error) {
    if (error instanceof ConfigError) return error.problems;
    throw error;
  }
  return [];
}

describe('loadPaymentServiceConfig', () => {
  it('defaults: ports 3002/50053, latency 200 ms, callbacks to its own REST port, a derived webhook secret', () => {
    const config = loadPaymentServiceConfig(BASE);

    expect(config).toMatchObject({
      host: '0.0.0.0',
      httpPort: 3002,
      grpcPort: 50053,
      databaseUrl: BASE.DATABASE_URL,
      amqpUrl: undefined,
      gatewayLatencyMs: 200,
      gatewayCallbackBaseUrl: 'http://127.0.0.1:3002',
    });
    expect(config.gatewayWebhookSecret).toMatch(/^[0-9a-f]{64}$/);
    expect(config.gatewayWebhookSecret).not.toContain(BASE.OMS_JWT_SECRET);
    expect(loadPaymentServiceConfig(BASE).gatewayWebhookSecret).toBe(config.gatewayWebhookSecret);
  });

  it('reads every setting from the environment', () => {
    const config = loadPaymentServiceConfig({
      ...BASE,
      HOST: '10.0.0.5',
      PORT: '8080',
      GRPC_PORT: '9090',
      AMQP_URL: 'amqp://guest:guest@mq:5672',
      OMS_GATEWAY_LATENCY_MS: '0',
      OMS_GATEWAY_WEBHOOK_SECRET: 'a-webhook-secret-of-some-length',
      OMS_GATEWAY_CALLBACK_URL: 'http://payments.internal:8080/',
    });

    expect(config).toEqual({
      host: '10.0.0.5',
      httpPort: 8080,
      grpcPort: 9090,
      databaseUrl: BASE.DATABASE_URL,
      amqpUrl: 'amqp://guest:guest@mq:5672',
      gatewayLatencyMs: 0,
      gatewayWebhookSecret: 'a-webhook-secret-of-some-length',
      gatewayCallbackBaseUrl: 'http://payments.internal:8080',
      edge: DEFAULT_EDGE_SECURITY,
    });
  });

  it('the default callback address follows the configured host and port', () => {
    expect(loadPaymentServiceConfig({ ...BASE, HOST: '10.0.0.5', PORT: '7000' }).gatewayCallbackBaseUrl).toBe('http://10.0.0.5:7000');
    expect(loadPaymentServiceConfig(BASE, { httpPort: 4567 }).gatewayCallbackBaseUrl).toBe('http://127.0.0.1:4567');
  });

  it('reports every problem at once', () => {
    expect(
      problemsOf({
        PORT: 'http',
        OMS_GATEWAY_LATENCY_MS: '-5',
        AMQP_URL: 'rabbit://x',
        OMS_GATEWAY_CALLBACK_URL: 'ftp://x',
      }),
    ).toEqual([
      'DATABASE_URL must be a postgres:// URL',
      'AMQP_URL must be an amqp:// or amqps:// URL',
      'OMS_JWT_SECRET (or OMS_JWT_PUBLIC_KEY or OMS_JWT_JWKS_URL) must be set to verify tokens',
      'PORT must be a port number, got "http"',
      'OMS_GATEWAY_LATENCY_MS must be a number of milliseconds up to 600000, got "-5"',
      'OMS_GATEWAY_WEBHOOK_SECRET (or OMS_JWT_SECRET, to derive it from) must be set to sign gateway callbacks',
      'OMS_GATEWAY_CALLBACK_URL must be an http:// or https:// URL',
    ]);
  });

  it('refuses a short webhook secret', () => {
    expect(problemsOf({ ...BASE, OMS_GATEWAY_WEBHOOK_SECRET: 'short' })).toEqual(['OMS_GATEWAY_WEBHOOK_SECRET must be at least 16 characters']);
  });
});
