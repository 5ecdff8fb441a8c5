import { loadInventoryServiceConfig } from './inventory-service.config.js';
import { startInventoryService } from './inventory-service.app.js';

/** inventory-service on its own (`npm run start:services`): DATABASE_URL required, schema migrated by `npm run migrate`. */
async function main(): Promise<void> {
  const config = loadInventoryServiceConfig(process.env);
  const running = await startInventoryService(config, { selfProvision: process.env.OMS_AUTO_MIGRATE === 'true' });
  console.log(`inventory-service: REST ${running.httpUrl}  gRPC ${running.grpcAddress}`);
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
