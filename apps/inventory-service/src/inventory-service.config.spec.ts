import { DEFAULT_EDGE_SECURITY } from '#libs/edge';
import { ConfigError, loadInventoryServiceConfig } from './inventory-service.config.js';

const DATABASE_URL = 'postgres://oms:secret@db.internal:5432/oms';
const minimal = { DATABASE_URL, OMS_JWT_SECRET: 'jwt-secret' } as const;

function configError(load: () => unknown): ConfigError {
  try {
    load();
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError);
    return error as ConfigError;
  }
  throw new Error('expected a ConfigError, but the configuration was accepted');
}

describe('loadInventoryServiceConfig', () => {
  it('listens on 0.0.0.0, REST 3001 and gRPC 50052 by default, without a broker', () => {
    expect(loadInventoryServiceConfig(minimal)).toEqual({
      host: '0.0.0.0',
      httpPort: 3001,
      grpcPort: 50052,
      databaseUrl: DATABASE_URL,
      amqpUrl: undefined,
      edge: DEFAULT_EDGE_SECURITY,
    });
  });

  it('reads the edge limits and reports a bad one with the others', () => {
    expect(loadInventoryServiceConfig({ ...minimal, OMS_RATE_LIMIT_PER_MINUTE: '0', OMS_HTTP_BODY_LIMIT_BYTES: '2048' }).edge).toEqual({
      ...DEFAULT_EDGE_SECURITY,
      rateLimitPerMinute: 0,
      httpBodyLimitBytes: 2048,
    });
    expect(configError(() => loadInventoryServiceConfig({ ...minimal, PORT: 'x', OMS_RATE_LIMIT_PER_MINUTE: '-1' })).problems).toEqual([
      'PORT must be a port number, got "x"',
      'OMS_RATE_LIMIT_PER_MINUTE must be a whole number from 0 to 1000000, got "-1"',
    ]);
  });

  it('takes HOST, PORT, GRPC_PORT and AMQP_URL; empty means unset', () => {
    expect(
      loadInventoryServiceConfig({ ...minimal, HOST: '127.0.0.1', PORT: '8081', GRPC_PORT: '9091', AMQP_URL: 'amqp://guest:guest@mq:5672' }),
    ).toMatchObject({ host: '127.0.0.1', httpPort: 8081, grpcPort: 9091, amqpUrl: 'amqp://guest:guest@mq:5672' });
    expect(loadInventoryServiceConfig({ ...minimal, PORT: '', GRPC_PORT: '', HOST: '', AMQP_URL: '' })).toMatchObject({
      host: '0.0.0.0',
      httpPort: 3001,
      amqpUrl: undefined,
    });
  });

  it('lets the launcher supply the database URL and broker', () => {
    const config = loadInventoryServiceConfig({ OMS_JWT_SECRET: 'x' }, { databaseUrl: 'postgres://a@b/c', amqpUrl: undefined });
    expect(config).toMatchObject({ databaseUrl: 'postgres://a@b/c', amqpUrl: undefined });
  });

  it('reports every problem at once, without echoing secrets', () => {
    const error = configError(() =>
      loadInventoryServiceConfig({ DATABASE_URL: 'mysql://root:hunter2@db/oms', PORT: 'abc', GRPC_PORT: '70000', AMQP_URL: 'http://mq' }),
    );
    expect(error.problems).toHaveLength(5);
    for (const name of ['DATABASE_URL', 'AMQP_URL', 'OMS_JWT_SECRET', 'PORT', 'GRPC_PORT']) {
      expect(error.problems.some((p) => p.startsWith(name))).toBe(true);
    }
    expect(error.message).not.toContain('hunter2');
  });

  it.each(['-1', '3000.5', '65536', '1e3'])('rejects PORT=%s', (value) => {
    expect(configError(() => loadInventoryServiceConfig({ ...minimal, PORT: value })).problems).toEqual([`PORT must be a port number, got "${value}"`]);
  });
});
