import { Catch, Logger, type ArgumentsHost, type ExceptionFilter } from '@nestjs/common';
import { throwError, type Observable } from 'rxjs';
import { httpStatusFor, type ApiError } from './api-error.js';
import type { ErrorTranslator } from './error-translator.js';
import { toGrpcError, toHttpErrorBody } from './grpc-status.js';

interface ReplyLike {
  status(code: number): ReplyLike;
  header(name: string, value: string): ReplyLike;
  send(body: unknown): void;
}

/**
 * The one place where errors become answers, for both ports: gRPC status + google.rpc details,
 * or AIP-193 JSON. Unknown errors are logged with their stack and answered INTERNAL without any
 * detail (no stack traces or SQL ever reach a client).
 */
@Catch()
export class ApiExceptionFilter implements ExceptionFilter {
  private readonly logger = new Logger('ApiExceptionFilter');

  constructor(private readonly translator: ErrorTranslator) {}

  catch(exception: unknown, host: ArgumentsHost): Observable<never> | void {
    const error = this.translator.translate(exception);
    this.log(error, exception);
    if (host.getType() === 'rpc') {
      return throwError(() => toGrpcError(error));
    }
    const reply = host.switchToHttp().getResponse<ReplyLike>();
    const status = httpStatusFor(error);
    reply.status(status).header('content-type', 'application/json; charset=utf-8').send(toHttpErrorBody(error, status));
  }

  private log(error: ApiError, exception: unknown): void {
    if (error.status === 'INTERNAL') {
      this.logger.error({ err: exception }, 'unhandled error');
    } else {
      this.logger.debug({ status: error.status, reason: error.reason }, error.message);
    }
  }
}
