import { loadOrderServiceConfig } from './order-service.config.js';
import { startOrderService } from './order-service.app.js';

/** order-service on its own (`npm run start:services`): DATABASE_URL required, schema migrated by `npm run migrate`. */
async function main(): Promise<void> {
  const config = loadOrderServiceConfig(process.env);
  const running = await startOrderService(config, { selfProvision: process.env.OMS_AUTO_MIGRATE === 'true' });
  console.log(`order-service: REST ${running.httpUrl}  gRPC ${running.grpcAddress}`);
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
