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

/** The part of a Fastify instance the counting needs (kept structural: libs/edge has no Fastify types). */
interface FastifyLike {
  addHook(name: string, hook: (...args: never[]) => unknown): unknown;
}
interface RawResponse {
  readonly destroyed: boolean;
  readonly writableFinished: boolean;
  once(event: 'close', listener: () => void): unknown;
}

/**
 * Counts every HTTP request (404s and 413s too) from its arrival until its handler is done and
 * its response finished, or its client gone. A request whose client disconnects while the
 * handler runs gets neither Fastify's onResponse nor its onRequestAbort (that one fires only
 * while the body is being read): it is counted until the handler sends (into the closed socket),
 * so a shutdown waits for the work, and a leaked count never holds every later shutdown up.
 */
export function countHttpRequests(fastify: unknown, inFlight: InFlightRequests): void {
  const hooks = fastify as FastifyLike;
  const tickets = new WeakMap<object, { ticket: number; sent: boolean; closed: boolean }>();
  const end = (request: object) => {
    const entry = tickets.get(request);
    if (entry) inFlight.end(entry.ticket);
    tickets.delete(request);
  };
  hooks.addHook('onRequest', ((request: object, reply: { raw: RawResponse }, done: () => void) => {
    const entry = { ticket: inFlight.begin(), sent: false, closed: false };
    tickets.set(request, entry);
    reply.raw.once('close', () => {
      entry.closed = true;
      if (entry.sent || reply.raw.writableFinished) end(request);
    });
    done();
  }) as never);
  hooks.addHook('onSend', ((request: object, reply: { raw: RawResponse }, payload: unknown, done: (error: null, payload: unknown) => void) => {
    const entry = tickets.get(request);
    if (entry) {
      entry.sent = true;
      if (entry.closed || reply.raw.destroyed) end(request);
    }
    done(null, payload);
  }) as never);
  hooks.addHook('onResponse', ((request: object, _reply: unknown, done: () => void) => {
    end(request);
    done();
  }) as never);
  hooks.addHook('onRequestAbort', ((request: object, done: () => void) => {
    end(request);
    done();
  }) as never);
}

/** Counts gRPC calls (HTTP requests: {@link countHttpRequests}). */
@Injectable()
export class GrpcInFlightInterceptor implements NestInterceptor {
  intercept(context: ExecutionContext, next: CallHandler): Observable<unknown> {
    if (context.getType() !== 'rpc') return next.handle();
    const counter = inFlightRequests();
    const ticket = counter.begin();
    return next.handle().pipe(finalize(() => counter.end(ticket)));
  }
}
