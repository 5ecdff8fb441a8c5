/**
 * `@nestjs/throttler`, loaded once `@nestjs/common` is evaluated. The package is CommonJS and
 * `require()`s the ES-module-only Nest 12; a static import would have it required while Nest is
 * still being linked, which Jest's ESM runtime refuses ("require() of ES Module in a cycle").
 */
const throttler = await import('@nestjs/throttler');

export const { normalizeIp, SkipThrottle, ThrottlerGuard, ThrottlerModule, ThrottlerStorageService } = throttler;
export type { ThrottlerLimitDetail } from '@nestjs/throttler';
