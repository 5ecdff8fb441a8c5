import { resolve } from 'node:path';
import { DEFAULT_EDGE_SECURITY } from '#libs/edge';
import { ConfigError, loadNotificationServiceConfig } from './notification-service.config.js';

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

describe('loadNotificationServiceConfig', () => {
  it('listens on REST 3003 and gRPC 50054 by default and writes to the dev mailbox without providers', () => {
    expect(loadNotificationServiceConfig(minimal)).toEqual({
      host: '0.0.0.0',
      httpPort: 3003,
      grpcPort: 50054,
      databaseUrl: DATABASE_URL,
      amqpUrl: undefined,
      smtpUrl: undefined,
      smtpFrom: 'OMS <no-reply@oms.local>',
      smsUrl: undefined,
      smsApiKey: undefined,
      dataDir: resolve('.oms-data'),
      paymentTimeoutSeconds: 900,
      reminderLeadSeconds: 300,
      maxAttempts: 8,
      retryBaseMs: 1000,
      retryMaxMs: 300_000,
      pollIntervalMs: 1000,
      sendTimeoutMs: 10_000,
      edge: DEFAULT_EDGE_SECURITY,
    });
  });

  it('takes the providers, the shared payment timeout, the reminder lead and the retry policy', () => {
    expect(
      loadNotificationServiceConfig({
        ...minimal,
        PORT: '8083',
        OMS_SMTP_URL: 'smtp://127.0.0.1:2525',
        OMS_SMS_URL: 'https://sms.example/v1/messages',
        OMS_SMS_API_KEY: 'k',
        OMS_DATA_DIR: '/var/lib/oms',
        OMS_ORDER_PAYMENT_TIMEOUT_SECONDS: '60',
        OMS_PAYMENT_REMINDER_BEFORE_SECONDS: '120',
        OMS_NOTIFICATION_MAX_ATTEMPTS: '3',
        OMS_NOTIFICATION_RETRY_BASE_MS: '200',
        OMS_NOTIFICATION_RETRY_MAX_MS: '400',
      }),
    ).toMatchObject({
      httpPort: 8083,
      smtpUrl: 'smtp://127.0.0.1:2525',
      smsUrl: 'https://sms.example/v1/messages',
      smsApiKey: 'k',
      dataDir: '/var/lib/oms',
      paymentTimeoutSeconds: 60,
      reminderLeadSeconds: 120,
      maxAttempts: 3,
      retryBaseMs: 200,
      retryMaxMs: 400,
    });
  });

  it('reports every problem at once, without echoing secrets', () => {
    const error = configError(() =>
      loadNotificationServiceConfig({
        DATABASE_URL: 'mysql://root:hunter2@db/oms',
        GRPC_PORT: '70000',
        OMS_SMTP_URL: 'http://mail',
        OMS_SMS_URL: 'ftp://sms',
        OMS_ORDER_PAYMENT_TIMEOUT_SECONDS: '0',
        OMS_NOTIFICATION_MAX_ATTEMPTS: 'many',
        OMS_NOTIFICATION_RETRY_BASE_MS: '5000',
        OMS_NOTIFICATION_RETRY_MAX_MS: '1000',
      }),
    );
    expect(error.problems.map((p) => p.split(' ')[0])).toEqual([
      'DATABASE_URL',
      'OMS_JWT_SECRET',
      'OMS_SMTP_URL',
      'OMS_SMS_URL',
      'OMS_NOTIFICATION_RETRY_MAX_MS',
      'GRPC_PORT',
      'OMS_ORDER_PAYMENT_TIMEOUT_SECONDS',
      'OMS_NOTIFICATION_MAX_ATTEMPTS',
    ]);
    expect(error.message).not.toContain('hunter2');
  });
});
