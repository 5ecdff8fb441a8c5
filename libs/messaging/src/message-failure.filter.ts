import { Catch, type RpcExceptionFilter } from '@nestjs/common';
import { throwError, type Observable } from 'rxjs';

/**
 * Hands a message handler's error back to the transport as it is, without logging it. Nest's
 * default RPC exception handling logs every failure at error level before the delivery pipeline
 * has decided anything: a transient failure it retries (logged at warn, with the retry) is no
 * error to alert on, and a dead letter is logged by the pipeline itself, at error level.
 */
@Catch()
export class MessageFailurePassThrough implements RpcExceptionFilter<unknown> {
  catch(exception: unknown): Observable<never> {
    return throwError(() => exception);
  }
}
