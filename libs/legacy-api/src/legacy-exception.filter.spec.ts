import { jest } from '@jest/globals';
import { Catch, Logger, type ArgumentsHost } from '@nestjs/common';
import { LegacyExceptionFilter } from './legacy-exception.filter.js';
import { LEGACY_ROUTE_CONFIG, type LegacyFailure, type LegacyRouteOptions } from './legacy-route.js';

interface ProbeRouteOptions extends LegacyRouteOptions {
  readonly amountField?: string;
}

@Catch()
class ProbeLegacyFilter extends LegacyExceptionFilter<ProbeRouteOptions> {
  readonly routes: ProbeRouteOptions[] = [];

  protected override toLegacyFailure(exception: unknown, route: ProbeRouteOptions): LegacyFailure {
    this.routes.push(route);
    return exception instanceof RangeError ? { status: 409, message: exception.message } : { status: 500, message: 'internal error' };
  }
}

/** What the filter wrote to the reply. */
interface Written {
  status?: number;
  headers: Record<string, string>;
  body?: unknown;
}

function httpHost(written: Written, route?: ProbeRouteOptions): ArgumentsHost {
  const request = { routeOptions: { config: route ? { [LEGACY_ROUTE_CONFIG]: route } : {} } };
  const reply = {
    status(code: number) {
      written.status = code;
      return this;
    },
    header(name: string, value: string) {
      written.headers[name] = value;
      return this;
    },
    send(body: unknown): void {
      written.body = body;
    },
  };
  return { switchToHttp: () => ({ getRequest: () => request, getResponse: () => reply }) } as unknown as ArgumentsHost;
}

describe('LegacyExceptionFilter', () => {
  beforeAll(() => Logger.overrideLogger(false));
  afterAll(() => Logger.overrideLogger(['log', 'error', 'warn', 'debug', 'verbose', 'fatal']));

  it('renders the service’s failure as {code, message, ...failure} with the status equal to code', () => {
    const filter = new ProbeLegacyFilter();
    const written: Written = { headers: {} };
    const route = { amountField: 'paymentAmount', failure: { paymentStatus: 'failed' } };
    filter.catch(new RangeError('order o1 is already paid'), httpHost(written, route));
    expect(filter.routes).toEqual([route]);
    expect(written).toEqual({
      status: 409,
      headers: { 'content-type': 'application/json; charset=utf-8' },
      body: { code: 409, message: 'order o1 is already paid', paymentStatus: 'failed' },
    });
  });

  it('hands the service empty options on a route without the marker, and logs unknown errors', () => {
    const logged = jest.spyOn(Logger.prototype, 'error').mockImplementation(() => undefined);
    try {
      const filter = new ProbeLegacyFilter();
      const written: Written = { headers: {} };
      const boom = new Error('relation "x" does not exist');
      filter.catch(boom, httpHost(written));
      expect(filter.routes).toEqual([{}]);
      expect(written).toMatchObject({ status: 500, body: { code: 500, message: 'internal error' } });
      expect(logged).toHaveBeenCalledWith({ err: boom }, 'unhandled error on a legacy route');
    } finally {
      logged.mockRestore();
    }
  });
});
