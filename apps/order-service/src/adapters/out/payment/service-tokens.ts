import { signDevToken } from '#libs/auth';

/**
 * The bearer token order-service shows other services (role `service`). `OMS_SERVICE_TOKEN` when
 * given (issued by the deployment's identity provider, e.g. for RS256); otherwise minted with the
 * shared HS256 secret and renewed before it expires.
 */
export class ServiceTokens {
  private cached?: { token: string; renewAt: number };

  constructor(
    private readonly config: { staticToken?: string; hs256Secret?: string; subject: string },
  ) {}

  async token(): Promise<string> {
    if (this.config.staticToken) return this.config.staticToken;
    if (!this.config.hs256Secret) throw new Error('no OMS_SERVICE_TOKEN or OMS_JWT_SECRET to authenticate to other services');
    if (this.cached && Date.now() < this.cached.renewAt) return this.cached.token;
    const ttlSec = 300;
    const token = await signDevToken({ sub: this.config.subject, roles: ['service'], ttlSec, secret: this.config.hs256Secret });
    this.cached = { token, renewAt: Date.now() + (ttlSec - 60) * 1000 };
    return token;
  }
}
