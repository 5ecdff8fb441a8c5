import { DEFAULT_EDGE_SECURITY, loadEdgeSecurityConfig, readEdgeSecurityConfig } from './edge-security.config.js';

describe('edge security settings', () => {
  it('defaults: 600 requests a minute per caller, 1 MiB HTTP bodies, 4 MiB gRPC messages', () => {
    expect(loadEdgeSecurityConfig({})).toEqual({ rateLimitPerMinute: 600, httpBodyLimitBytes: 1024 * 1024, grpcMaxMessageBytes: 4 * 1024 * 1024 });
    expect(loadEdgeSecurityConfig({ OMS_RATE_LIMIT_PER_MINUTE: '', OMS_HTTP_BODY_LIMIT_BYTES: '' })).toEqual(DEFAULT_EDGE_SECURITY);
  });

  it('reads the variables; 0 turns the rate limit off', () => {
    expect(
      loadEdgeSecurityConfig({ OMS_RATE_LIMIT_PER_MINUTE: '0', OMS_HTTP_BODY_LIMIT_BYTES: '65536', OMS_GRPC_MAX_MESSAGE_BYTES: '1048576' }),
    ).toEqual({ rateLimitPerMinute: 0, httpBodyLimitBytes: 65536, grpcMaxMessageBytes: 1048576 });
  });

  it('reports every bad value at once, with the variable and the accepted range', () => {
    const problems: string[] = [];
    readEdgeSecurityConfig({ OMS_RATE_LIMIT_PER_MINUTE: '-5', OMS_HTTP_BODY_LIMIT_BYTES: '10', OMS_GRPC_MAX_MESSAGE_BYTES: '1e9' }, problems);
    expect(problems).toEqual([
      'OMS_RATE_LIMIT_PER_MINUTE must be a whole number from 0 to 1000000, got "-5"',
      'OMS_HTTP_BODY_LIMIT_BYTES must be a whole number from 1024 to 67108864, got "10"',
      'OMS_GRPC_MAX_MESSAGE_BYTES must be a whole number from 1024 to 67108864, got "1e9"',
    ]);
    expect(() => loadEdgeSecurityConfig({ OMS_RATE_LIMIT_PER_MINUTE: 'lots' })).toThrow(/invalid configuration:\n {2}- OMS_RATE_LIMIT_PER_MINUTE/);
  });
});
