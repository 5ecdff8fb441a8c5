import { Module, type DynamicModule, type Provider } from '@nestjs/common';
import { APP_GUARD } from '@nestjs/core';
import { JwtAuthGuard } from './auth.guard.js';
import { JwtVerifier } from './jwt-verifier.js';

/**
 * Provides {@link JwtVerifier} (global) and registers {@link JwtAuthGuard} as `APP_GUARD`, so every
 * HTTP route and gRPC method needs a token unless marked `@Public()`.
 */
@Module({})
export class AuthModule {
  /**
   * @param verifier the verifier to use; defaults to `JwtVerifier.fromEnv()`, whose keys are
   * checked while the app starts (a bad configuration fails the start with a clear message).
   */
  static forRoot(verifier?: JwtVerifier): DynamicModule {
    const verifierProvider: Provider = verifier
      ? { provide: JwtVerifier, useValue: verifier }
      : {
          provide: JwtVerifier,
          useFactory: async (): Promise<JwtVerifier> => {
            const fromEnv = JwtVerifier.fromEnv();
            await fromEnv.ready();
            return fromEnv;
          },
        };
    return {
      module: AuthModule,
      global: true,
      providers: [verifierProvider, { provide: APP_GUARD, useClass: JwtAuthGuard }],
      exports: [JwtVerifier],
    };
  }
}
