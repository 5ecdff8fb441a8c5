import { Module, type DynamicModule } from '@nestjs/common';
import { APP_GUARD } from '@nestjs/core';
import { RateLimitGuard } from './rate-limit.guard.js';
import { ThrottlerModule } from './throttler.js';

const ONE_MINUTE_MS = 60_000;

/**
 * Registers {@link RateLimitGuard} as a global guard with `perMinute` requests a minute per caller
 * (sliding window), or nothing at all when `perMinute` is 0. Counters live in this process's
 * memory (the throttler's default storage): with N replicas behind a load balancer a caller gets
 * up to N times the limit, which is acceptable for a limit meant against runaway clients.
 *
 * Must be imported after AuthModule: Nest runs global guards in the order their modules are
 * registered, and the limit is keyed by the principal the auth guard stores.
 */
@Module({})
export class RateLimitModule {
  static forRoot(perMinute: number): DynamicModule {
    if (perMinute <= 0) return { module: RateLimitModule };
    return {
      module: RateLimitModule,
      imports: [
        // blockDuration 0: a sliding window (each hit expires a minute after it was made) in which
        // refused calls do not count, so a client that backs off is served again promptly.
        ThrottlerModule.forRoot({ throttlers: [{ name: 'default', ttl: ONE_MINUTE_MS, limit: perMinute, blockDuration: 0 }] }),
      ],
      providers: [{ provide: APP_GUARD, useClass: RateLimitGuard }],
    };
  }
}
