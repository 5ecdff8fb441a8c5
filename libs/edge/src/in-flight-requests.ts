import { Injectable, type CallHandler, type ExecutionContext, type NestInterceptor } from '@nestjs/common';
import { finalize, type Observable } from 'rxjs';

/**
 * The HTTP requests and gRPC calls being served, so a shutdown can let them finish before it
 * stops the relay and closes the connections. One per process.
 */
export class InFlightRequests {
  private next = 0;
  private readonly active = new Set<number>();
  private readonly watchers = new Set<() => void>();

  get current(): number {
    return this.active.size;
  }

  /** A request started; pass the returned ticket to {@link end}. */
  begin(): number {
    const ticket = ++this.next;
    this.active.add(ticket);
    return ticket;
  }

  end(ticket: number): void {
    if (this.active.delete(ticket)) for (const watch of this.watchers) watch();
  }

  /**
   * Resolves `true` once every request in flight now has ended, or `false` after `timeoutMs`.
   * Requests that start later are not waited for: under steady traffic the count may never reach
   * zero, and the listeners' own close lets those finish.
   */
  settled(timeoutMs: number): Promise<boolean> {
    const waiting = new Set(this.active);
    if (waiting.size === 0) return Promise.resolve(true);
    return new Promise((resolve) => {
      const finish = (result: boolean) => {
        clearTimeout(timer);
        this.watchers.delete(watch);
        resolve(result);
      };
      const watch = () => {
        for (const ticket of waiting) if (!this.active.has(ticket)) waiting.delete(ticket);
        if (waiting.size === 0) finish(true);
      };
      const timer = setTimeout(() => finish(false), timeoutMs);
      timer.unref();
      this.watchers.add(watch);
    });
  }
}

let shared: InFlightRequests | undefined;

/** The process's counter. */
export function inFlightRequests(): InFlightRequests {
  shared ??= new InFlightRequests();
  return shared;
}

/** Counts gRPC calls (HTTP requests are counted by Fastify hooks, which also see 404s and 413s). */
@Injectable()
export class GrpcInFlightInterceptor implements NestInterceptor {
  intercept(context: ExecutionContext, next: CallHandler): Observable<unknown> {
    if (context.getType() !== 'rpc') return next.handle();
    const counter = inFlightRequests();
    const ticket = counter.begin();
    return next.handle().pipe(finalize(() => counter.end(ticket)));
  }
}
