import { loadNotificationServiceConfig } from './notification-service.config.js';
import { startNotificationService } from './notification-service.app.js';

/** notification-service on its own (`npm run start:services`): DATABASE_URL required, schema migrated by `npm run migrate`. */
async function main(): Promise<void> {
  const config = loadNotificationServiceConfig(process.env);
  const running = await startNotificationService(config, { selfProvision: process.env.OMS_AUTO_MIGRATE === 'true' });
  console.log(`notification-service: REST ${running.httpUrl}  gRPC ${running.grpcAddress}`);
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
