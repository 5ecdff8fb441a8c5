import { Injectable, type CallHandler, type ExecutionContext, type NestInterceptor } from '@nestjs/common';
import { Metadata } from '@grpc/grpc-js';
import type { ErrorTranslator } from '#libs/errors';
import { tap, type Observable } from 'rxjs';
import type { OmsMetrics } from './oms-metrics.js';

/**
 * Records every gRPC call that reaches a handler, by service, method and status code name. The
 * code of a failed call is the one the exception filter will send, from the same translator.
 * (Calls grpc-js refuses before any handler, e.g. oversized messages, are not seen here.)
 */
@Injectable()
export class GrpcMetricsInterceptor implements NestInterceptor {
  constructor(
    private readonly metrics: OmsMetrics,
    private readonly translator: ErrorTranslator,
  ) {}

  intercept(context: ExecutionContext, next: CallHandler): Observable<unknown> {
    if (context.getType() !== 'rpc' || !(context.switchToRpc().getContext<unknown>() instanceof Metadata)) return next.handle();
    const call = context.getArgByIndex<{ getPath?: () => string } | undefined>(2);
    const [, service = 'unknown', method = context.getHandler().name] = /^\/([^/]+)\/([^/]+)$/.exec(call?.getPath?.() ?? '') ?? [];
    const started = process.hrtime.bigint();
    const record = (code: string) => {
      const labels = { grpc_service: service, grpc_method: method, grpc_code: code };
      this.metrics.grpcRequests.inc(labels);
      this.metrics.grpcDuration.observe(labels, Number(process.hrtime.bigint() - started) / 1e9);
    };
    return next.handle().pipe(
      tap({
        complete: () => record('OK'),
        error: (error: unknown) => record(this.translator.translate(error).status),
      }),
    );
  }
}
