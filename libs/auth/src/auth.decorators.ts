import { SetMetadata, createParamDecorator, type ExecutionContext } from '@nestjs/common';
import { principalOf } from './principal-store.js';
import type { Principal } from './principal.js';

/** Metadata key set by {@link Public}. */
export const IS_PUBLIC_KEY = 'oms:public';
/** Metadata key set by {@link Roles}. */
export const REQUIRED_ROLES_KEY = 'oms:auth:roles';

/** Marks a handler or controller as reachable without a token (health, OpenAPI, metrics). */
export const Public = (): MethodDecorator & ClassDecorator => SetMetadata(IS_PUBLIC_KEY, true);

/**
 * Requires at least one of `roles` (the `admin` role always passes). On a handler it overrides
 * the controller's requirement.
 */
export const Roles = (...roles: string[]): MethodDecorator & ClassDecorator => SetMetadata(REQUIRED_ROLES_KEY, roles);

/** Handler parameter receiving the authenticated {@link Principal} (HTTP and gRPC). */
export const CurrentPrincipal = createParamDecorator(
  (_data: unknown, context: ExecutionContext): Principal | undefined => principalOf(context),
);
