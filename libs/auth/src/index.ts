export { AuthenticationError, PermissionDeniedError } from './auth.errors.js';
export { ADMIN_ROLE, SERVICE_ROLE, principalFromClaims, type Principal } from './principal.js';
export { JwtVerifier, type JwtVerifierConfig, type JwtVerifierEnvOptions } from './jwt-verifier.js';
export { CurrentPrincipal, IS_PUBLIC_KEY, Public, REQUIRED_ROLES_KEY, Roles } from './auth.decorators.js';
export { principalOf } from './principal-store.js';
export { JwtAuthGuard } from './auth.guard.js';
export { AuthModule } from './auth.module.js';
export {
  devSecretPath,
  loadOrCreateDevSecret,
  readDevSecret,
  signDevToken,
  type DevTokenOptions,
} from './dev-token.js';
