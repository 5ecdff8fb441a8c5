import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { dirname, join } from 'node:path';

/**
 * `npm run start:services`: one process per service against DATABASE_URL and AMQP_URL (CONTRACT
 * section 7), after `npm run migrate`. Each service keeps its default ports unless the
 * `<SERVICE>_PORT` / `<SERVICE>_GRPC_PORT` variables say otherwise. Signals are passed on; the
 * launcher exits when the services have, with the worst exit code.
 */
const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const services = [
  { name: 'order-service', port: 3000, grpc: 50051, env: 'ORDER' },
  { name: 'inventory-service', port: 3001, grpc: 50052, env: 'INVENTORY' },
  { name: 'payment-service', port: 3002, grpc: 50053, env: 'PAYMENT' },
  { name: 'notification-service', port: 3003, grpc: 50054, env: 'NOTIFICATION' },
] as const;

function run(script: string, env: NodeJS.ProcessEnv): ChildProcess {
  return spawn(process.execPath, [join(root, script)], { env, stdio: 'inherit' });
}

async function main(): Promise<void> {
  for (const name of ['DATABASE_URL', 'AMQP_URL']) {
    if (!process.env[name]) throw new Error(`${name} must be set for the multi-process mode (npm start needs neither)`);
  }
  const migrate = run('dist/scripts/migrate.js', process.env);
  const migrated = await new Promise<number>((resolve) => migrate.on('exit', (code) => resolve(code ?? 1)));
  if (migrated !== 0) throw new Error('migrations failed; not starting the services');

  const children = services.map((s) => {
    const port = process.env[`${s.env}_PORT`] ?? String(s.port);
    const grpc = process.env[`${s.env}_GRPC_PORT`] ?? String(s.grpc);
    const paymentGrpc = `127.0.0.1:${process.env.PAYMENT_GRPC_PORT ?? 50053}`;
    return run(`dist/apps/${s.name}/src/main.js`, {
      ...process.env,
      PORT: port,
      GRPC_PORT: grpc,
      OMS_PAYMENT_GRPC_ADDRESS: process.env.OMS_PAYMENT_GRPC_ADDRESS ?? paymentGrpc,
    });
  });
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    process.on(signal, () => children.forEach((c) => c.kill(signal)));
  }
  const codes = await Promise.all(children.map((c) => new Promise<number>((resolve) => c.on('exit', (code) => resolve(code ?? 1)))));
  process.exit(Math.max(...codes));
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
