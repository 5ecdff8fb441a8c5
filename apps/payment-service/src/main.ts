import { loadPaymentServiceConfig } from './payment-service.config.js';
import { startPaymentService } from './payment-service.app.js';

/** payment-service on its own (`npm run start:services`): DATABASE_URL required, schema migrated by `npm run migrate`. */
async function main(): Promise<void> {
  const config = loadPaymentServiceConfig(process.env);
  const running = await startPaymentService(config, { selfProvision: process.env.OMS_AUTO_MIGRATE === 'true' });
  console.log(`payment-service: REST ${running.httpUrl}  gRPC ${running.grpcAddress}`);
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
