import { Injectable, Module, type OnApplicationBootstrap } from '@nestjs/common';
import { JwtVerifier } from '#libs/auth';
import { protoFiles } from '#libs/contracts';
import { MessagingTransportFactory } from '#libs/messaging';
import { acceptsConnections, freePort } from '#libs/testing';
import { EdgeModule } from './edge.module.js';
import { startHybridApp, type RunningApp } from './hybrid-app.js';

/**
 * Stands for the CQRS module, which registers its command handlers in onApplicationBootstrap:
 * notes whether the gRPC port took connections while the hook ran.
 */
@Injectable()
class BootstrapWitness implements OnApplicationBootstrap {
  static grpcPort = 0;
  static grpcOpenDuringBootstrap: boolean | undefined;

  async onApplicationBootstrap(): Promise<void> {
    BootstrapWitness.grpcOpenDuringBootstrap = await acceptsConnections(BootstrapWitness.grpcPort);
  }
}

@Module({
  imports: [
    EdgeModule.forRoot({
      service: 'hybrid-app-spec',
      grpcServiceNames: [],
      errorCodes: [],
      logging: { level: 'silent' },
      jwtVerifier: new JwtVerifier({ hs256Secret: 'hybrid-app-spec' }),
    }),
  ],
  // A process hosting no message consumer.
  providers: [BootstrapWitness, { provide: MessagingTransportFactory, useValue: { consumes: false } }],
})
class WitnessedAppModule {}

describe('startHybridApp', () => {
  let running: RunningApp | undefined;
  afterEach(() => running?.close());

  // In a hybrid app the listeners start before the lifecycle hooks unless the app is initialised
  // first: a restarted service then answered the Holds queued for it with CommandHandlerNotFound.
  it('opens the gRPC port only once every onApplicationBootstrap hook has run', async () => {
    BootstrapWitness.grpcPort = await freePort();
    running = await startHybridApp(WitnessedAppModule, {
      host: '127.0.0.1',
      httpPort: await freePort(),
      grpcPort: BootstrapWitness.grpcPort,
      protoFiles: [protoFiles.payment],
      shutdownHooks: false,
    });

    expect(BootstrapWitness.grpcOpenDuringBootstrap).toBe(false);
    expect(await acceptsConnections(BootstrapWitness.grpcPort)).toBe(true);
  });
});
