import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  ConfigError,
  devSigningSecretPath,
  loadOrCreateDevSigningSecret,
  loadOrderServiceConfig,
  readDevSigningSecret,
  type OrderServiceConfig,
} from './order-service.config.js';

const DATABASE_URL = 'postgres://oms:secret@db.internal:5432/oms';
/** The smallest valid environment of a standalone order-service. */
const minimal = { DATABASE_URL, OMS_JWT_SECRET: 'jwt-secret' } as const;

/** The ConfigError `load` throws; fails the test when it returns or throws something else. */
function configError(load: () => unknown): ConfigError {
  try {
    load();
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError);
    return error as ConfigError;
  }
  throw new Error('expected a ConfigError, but the configuration was accepted');
}

describe('loadOrderServiceConfig', () => {
  describe('defaults', () => {
    it('listens on 0.0.0.0, REST 3000 and gRPC 50051, with DATABASE_URL as given', () => {
      const config = loadOrderServiceConfig(minimal);
      expect(config).toMatchObject<Partial<OrderServiceConfig>>({ host: '0.0.0.0', httpPort: 3000, grpcPort: 50051, databaseUrl: DATABASE_URL });
    });

    it('treats empty PORT, GRPC_PORT and HOST as unset', () => {
      expect(loadOrderServiceConfig({ ...minimal, PORT: '', GRPC_PORT: '', HOST: '' })).toMatchObject({
        host: '0.0.0.0',
        httpPort: 3000,
        grpcPort: 50051,
      });
    });

    it('accepts postgresql:// as well as postgres://', () => {
      const url = 'postgresql://oms@localhost/oms';
      expect(loadOrderServiceConfig({ ...minimal, DATABASE_URL: url }).databaseUrl).toBe(url);
    });
  });

  describe('overrides from the environment', () => {
    it('takes HOST, PORT and GRPC_PORT', () => {
      expect(loadOrderServiceConfig({ ...minimal, HOST: '127.0.0.1', PORT: '8080', GRPC_PORT: '9090' })).toMatchObject({
        host: '127.0.0.1',
        httpPort: 8080,
        grpcPort: 9090,
      });
    });

    it('accepts the ends of the port range (0 lets the system choose)', () => {
      expect(loadOrderServiceConfig({ ...minimal, PORT: '0', GRPC_PORT: '65535' })).toMatchObject({ httpPort: 0, grpcPort: 65535 });
    });

    it('lets the zero-install launcher supply the database URL', () => {
      const embedded = 'postgres://postgres:pw@127.0.0.1:54329/postgres';
      const config = loadOrderServiceConfig({ OMS_JWT_SECRET: 'jwt-secret' }, { databaseUrl: embedded });
      expect(config.databaseUrl).toBe(embedded);
    });

    it('prefers the supplied database URL to DATABASE_URL', () => {
      const embedded = 'postgres://postgres:pw@127.0.0.1:54329/postgres';
      expect(loadOrderServiceConfig(minimal, { databaseUrl: embedded }).databaseUrl).toBe(embedded);
    });
  });

  describe('page token secret', () => {
    it('is derived from OMS_JWT_SECRET, never the secret itself', () => {
      const { pageTokenSecret } = loadOrderServiceConfig(minimal);
      expect(pageTokenSecret).toMatch(/^[0-9a-f]{64}$/);
      expect(pageTokenSecret).not.toContain('jwt-secret');
    });

    it('is the same for replicas sharing OMS_JWT_SECRET and differs for another secret', () => {
      const a = loadOrderServiceConfig(minimal).pageTokenSecret;
      expect(loadOrderServiceConfig({ ...minimal, PORT: '4000' }).pageTokenSecret).toBe(a);
      expect(loadOrderServiceConfig({ ...minimal, OMS_JWT_SECRET: 'other' }).pageTokenSecret).not.toBe(a);
    });

    it('comes from OMS_PAGE_TOKEN_SECRET when that is set', () => {
      const own = loadOrderServiceConfig({ ...minimal, OMS_PAGE_TOKEN_SECRET: 'pages' }).pageTokenSecret;
      expect(own).not.toBe(loadOrderServiceConfig(minimal).pageTokenSecret);
      expect(loadOrderServiceConfig({ DATABASE_URL, OMS_PAGE_TOKEN_SECRET: 'pages' }).pageTokenSecret).toBe(own);
    });
  });

  describe('signing secret of the legacy /api (OMS_SIGNING_SECRET)', () => {
    it('is unset by default: the legacy create is then refused', () => {
      expect(loadOrderServiceConfig(minimal).signingSecret).toBeUndefined();
    });

    it('is taken from OMS_SIGNING_SECRET as given, or from the launcher', () => {
      const secret = 'legacy-signing-secret-0123';
      expect(loadOrderServiceConfig({ ...minimal, OMS_SIGNING_SECRET: secret }).signingSecret).toBe(secret);
      expect(loadOrderServiceConfig(minimal, { signingSecret: secret }).signingSecret).toBe(secret);
    });

    it('rejects a secret shorter than 16 characters without echoing it', () => {
      const error = configError(() => loadOrderServiceConfig({ ...minimal, OMS_SIGNING_SECRET: 'short-s3cr3t' }));
      expect(error.problems).toEqual(['OMS_SIGNING_SECRET must be at least 16 characters']);
      expect(error.message).not.toContain('short-s3cr3t');
    });

    it('has a development default in the data folder, created once (0600) and then reused', () => {
      const dir = mkdtempSync(join(tmpdir(), 'oms-signing-'));
      try {
        expect(readDevSigningSecret(dir)).toBeUndefined();
        const secret = loadOrCreateDevSigningSecret(join(dir, 'data'));
        expect(secret).toMatch(/^[0-9a-f]{64}$/);
        expect(loadOrCreateDevSigningSecret(join(dir, 'data'))).toBe(secret);
        expect(readDevSigningSecret(join(dir, 'data'))).toBe(secret);
        expect(readFileSync(devSigningSecretPath(join(dir, 'data')), 'utf8')).toBe(`${secret}\n`);
        expect(statSync(devSigningSecretPath(join(dir, 'data'))).mode & 0o777).toBe(0o600);
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    });
  });

  describe('validation', () => {
    it.each(['abc', '70000', '65536', '-1', '3000.5', '3000abc'])('rejects PORT=%s, naming PORT and the value', (value) => {
      const error = configError(() => loadOrderServiceConfig({ ...minimal, PORT: value }));
      expect(error.problems).toEqual([expect.stringContaining('PORT')]);
      expect(error.problems[0]).toContain(`"${value}"`);
      expect(error.message).toContain(error.problems[0]);
    });

    it('rejects a bad GRPC_PORT under its own name', () => {
      const error = configError(() => loadOrderServiceConfig({ ...minimal, GRPC_PORT: '70000' }));
      expect(error.problems).toEqual([expect.stringMatching(/^GRPC_PORT\b.*"70000"/)]);
    });

    it('checks OMS_PG_PREPARED_STATEMENTS with the other settings, before anything starts', () => {
      expect(() => loadOrderServiceConfig({ ...minimal, OMS_PG_PREPARED_STATEMENTS: 'OFF' })).not.toThrow();
      const error = configError(() => loadOrderServiceConfig({ ...minimal, OMS_PG_PREPARED_STATEMENTS: 'no', PORT: 'abc' }));
      expect(error.problems).toEqual(['OMS_PG_PREPARED_STATEMENTS must be on or off, got "no"', expect.stringContaining('PORT')]);
    });

    it('requires DATABASE_URL', () => {
      const error = configError(() => loadOrderServiceConfig({ OMS_JWT_SECRET: 'jwt-secret' }));
      expect(error.problems).toEqual([expect.stringContaining('DATABASE_URL')]);
      expect(error.message).toMatch(/DATABASE_URL/);
    });

    it.each(['', 'mysql://root@localhost/oms', 'localhost:5432/oms'])('rejects DATABASE_URL=%j that is not a postgres URL', (url) => {
      const error = configError(() => loadOrderServiceConfig({ ...minimal, DATABASE_URL: url }));
      expect(error.problems).toEqual([expect.stringContaining('DATABASE_URL')]);
    });

    it('requires a secret to sign page tokens', () => {
      const error = configError(() => loadOrderServiceConfig({ DATABASE_URL }));
      expect(error.problems).toEqual([expect.stringMatching(/OMS_PAGE_TOKEN_SECRET.*OMS_JWT_SECRET/)]);
    });

    it('reports every problem at once, one per line, in a message that is clear on its own', () => {
      const error = configError(() => loadOrderServiceConfig({ PORT: 'abc', GRPC_PORT: '70000' }));
      expect(error.problems).toHaveLength(4);
      for (const name of ['PORT', 'GRPC_PORT', 'DATABASE_URL', 'OMS_PAGE_TOKEN_SECRET']) {
        expect(error.problems.some((p) => p.startsWith(name))).toBe(true);
      }
      expect(error.message.split('\n')).toEqual([
        'invalid configuration:',
        ...error.problems.map((p) => `  - ${p}`),
      ]);
      expect(error).toBeInstanceOf(Error);
    });

    it('does not echo secrets from the environment in its message', () => {
      const error = configError(() =>
        loadOrderServiceConfig({ DATABASE_URL: 'mysql://root:hunter2@db/oms', OMS_JWT_SECRET: 's3cr3t-value', PORT: 'abc' }),
      );
      expect(error.message).not.toContain('hunter2');
      expect(error.message).not.toContain('s3cr3t-value');
    });
  });
});
