import type { IncomingMessage, ServerResponse } from 'node:http';
import { requestContextForRawRequest } from './correlation-id.js';
import { RequestContext } from './request-context.js';

/**
 * Nest HTTP middleware (raw Node request/response on both Express and Fastify) that opens the
 * {@link RequestContext} before guards run, so a guard's logs and patches already see it.
 * Installed by `ObservabilityLoggerModule`; the interceptor covers routes it does not reach.
 */
export function correlationMiddleware(req: IncomingMessage, res: ServerResponse, next: () => void): void {
  RequestContext.run(requestContextForRawRequest(req, res), next);
}
