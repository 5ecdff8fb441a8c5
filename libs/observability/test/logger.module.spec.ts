import { fileURLToPath } from 'node:url';
import * as grpc from '@grpc/grpc-js';
import * as protoLoader from '@grpc/proto-loader';
import { Controller, Get, Injectable, Logger, type CanActivate } from '@nestjs/common';
import { APP_GUARD, APP_INTERCEPTOR } from '@nestjs/core';
import { GrpcMethod, Transport } from '@nestjs/microservices';
import { FastifyAdapter, type NestFastifyApplication } from '@nestjs/platform-fastify';
import { Test } from '@nestjs/testing';
import type { DestinationStream } from 'pino';
import {
  CORRELATION_ID_HEADER,
  CorrelationInterceptor,
  ObservabilityLoggerModule,
  correlationIdOfRawRequest,
  PinoLogger,
  PinoNestLogger,
  RequestContext,
} from '../src/index.js';
import { freePort } from '#libs/testing';

const protoPath = fileURLToPath(new URL('./fixtures/echo.proto', import.meta.url));

/** Captures every JSON line pino writes. */
class CapturedLines implements DestinationStream {
  readonly lines: Record<string, unknown>[] = [];
  readonly raw: string[] = [];
  write(line: string): void {
    this.raw.push(line);
    this.lines.push(JSON.parse(line) as Record<string, unknown>);
  }
  withMsg(msg: string): Record<string, unknown>[] {
    return this.lines.filter((l) => l.msg === msg);
  }
}

/** Records the correlation id visible to guards, which run before interceptors. */
@Injectable()
class ProbeGuard implements CanActivate {
  static seen: (string | undefined)[] = [];
  canActivate(): boolean {
    ProbeGuard.seen.push(RequestContext.correlationId());
    return true;
  }
}

/** What the gRPC handler was called with, to pin down Nest 12's (data, metadata, call). */
let grpcArgs: { metadataIsMetadata: boolean; callCanSendMetadata: boolean } | undefined;

@Controller()
class ProbeController {
  private readonly nestLogger = new Logger('ProbeController');

  constructor(private readonly logger: PinoLogger) {}

  @Get('work')
  async work(): Promise<{ ok: true }> {
    RequestContext.patch({ orderId: 'order-7' });
    this.logger.info({ payment: { cardNumber: '4111111111111111', cvv: '123' } }, 'inside handler');
    this.nestLogger.log('via nest logger');
    await new Promise<void>((resolve) =>
      setTimeout(() => {
        this.logger.info('background after timer');
        resolve();
      }, 5),
    );
    return { ok: true };
  }

  @GrpcMethod('EchoService', 'Echo')
  echo(_data: { text: string }, metadata: unknown, call: { sendMetadata?: unknown }): { correlationId?: string } {
    grpcArgs = {
      metadataIsMetadata: metadata instanceof grpc.Metadata,
      callCanSendMetadata: typeof call?.sendMetadata === 'function',
    };
    this.nestLogger.log('inside grpc handler');
    return { correlationId: RequestContext.correlationId() };
  }
}

describe('ObservabilityLoggerModule (hybrid HTTP + gRPC app)', () => {
  const out = new CapturedLines();
  let app: NestFastifyApplication;
  type EchoClient = grpc.Client & {
    Echo(req: { text: string }, md: grpc.Metadata, cb: (err: Error | null, res: { correlationId: string }) => void): grpc.ClientUnaryCall;
  };
  let client: EchoClient;

  beforeAll(async () => {
    const port = await freePort();
    const moduleRef = await Test.createTestingModule({
      imports: [ObservabilityLoggerModule.forRoot({ service: 'probe-svc', level: 'info', stream: out })],
      controllers: [ProbeController],
      providers: [
        { provide: APP_GUARD, useClass: ProbeGuard },
        { provide: APP_INTERCEPTOR, useClass: CorrelationInterceptor },
      ],
    }).compile();
    // Fastify's own request id (which pino-http reuses as req.id) becomes the correlation id too.
    const adapter = new FastifyAdapter({ genReqId: correlationIdOfRawRequest });
    app = moduleRef.createNestApplication<NestFastifyApplication>(adapter, { bufferLogs: true });
    app.useLogger(app.get(PinoNestLogger));
    const url = `127.0.0.1:${port}`;
    app.connectMicroservice(
      { transport: Transport.GRPC, options: { package: 'obs.test.v1', protoPath, url } },
      { inheritAppConfig: true },
    );
    await app.startAllMicroservices();
    await app.init();
    await app.getHttpAdapter().getInstance().ready();

    const pkg = grpc.loadPackageDefinition(protoLoader.loadSync(protoPath)) as unknown as {
      obs: { test: { v1: { EchoService: grpc.ServiceClientConstructor } } };
    };
    client = new pkg.obs.test.v1.EchoService(url, grpc.credentials.createInsecure()) as unknown as EchoClient;
  });

  afterAll(async () => {
    client?.close();
    await app?.close();
  });

  beforeEach(() => {
    ProbeGuard.seen = [];
  });

  it('puts service, correlationId and orderId on handler, Nest-logger and background lines', async () => {
    const res = await app
      .getHttpAdapter()
      .getInstance()
      .inject({
        method: 'GET',
        url: '/work',
        headers: { [CORRELATION_ID_HEADER]: 'corr-http-1', traceparent: '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01' },
      });
    expect(res.statusCode).toBe(200);
    expect(res.headers[CORRELATION_ID_HEADER]).toBe('corr-http-1');

    for (const msg of ['inside handler', 'via nest logger', 'background after timer']) {
      const [line] = out.withMsg(msg);
      expect(line).toMatchObject({ service: 'probe-svc', correlationId: 'corr-http-1', orderId: 'order-7', traceId: '4bf92f3577b34da6a3ce929d0e0e4736' });
      // The request's own span, a child of the caller's.
      expect(line!.spanId).toMatch(/^(?!00f067aa0ba902b7)[0-9a-f]{16}$/);
    }
    // The guard already saw the context: the middleware opened it before guards ran.
    expect(ProbeGuard.seen).toEqual(['corr-http-1']);
  });

  it('writes correlationId once per line, also on the request-completed line', async () => {
    const before = out.lines.length;
    await app.getHttpAdapter().getInstance().inject({ method: 'GET', url: '/work', headers: { [CORRELATION_ID_HEADER]: 'corr-http-2' } });
    const completed = out.lines.slice(before).find((l) => l.msg === 'request completed');
    expect(completed).toMatchObject({ correlationId: 'corr-http-2', service: 'probe-svc', req: { id: 'corr-http-2' } });
    // JSON.parse would hide a duplicate key, so count in the raw text.
    for (const line of out.raw.slice(before)) {
      expect(line.match(/"correlationId":/g)).toHaveLength(1);
    }
  });

  it('redacts card data and the authorization header', async () => {
    const before = out.lines.length;
    await app
      .getHttpAdapter()
      .getInstance()
      .inject({ method: 'GET', url: '/work', headers: { authorization: 'Bearer secret-token' } });
    const text = JSON.stringify(out.lines.slice(before));
    expect(text).not.toContain('4111111111111111');
    expect(text).not.toContain('"123"');
    expect(text).not.toContain('secret-token');
    expect(text).toContain('[REDACTED]');
  });

  it('handles gRPC: (data, metadata, call) args, context in handler and guard, id echoed in metadata', async () => {
    const md = new grpc.Metadata();
    md.set(CORRELATION_ID_HEADER, 'corr-grpc-1');
    const { response, initial } = await new Promise<{ response: { correlationId: string }; initial: grpc.Metadata }>(
      (resolve, reject) => {
        let initial = new grpc.Metadata();
        const call = client.Echo({ text: 'hi' }, md, (err, response) => (err ? reject(err) : resolve({ response, initial })));
        call.on('metadata', (m: grpc.Metadata) => (initial = m));
      },
    );
    expect(grpcArgs).toEqual({ metadataIsMetadata: true, callCanSendMetadata: true });
    expect(response.correlationId).toBe('corr-grpc-1');
    expect(initial.get(CORRELATION_ID_HEADER)).toEqual(['corr-grpc-1']);
    expect(ProbeGuard.seen).toEqual(['corr-grpc-1']);
    const [line] = out.withMsg('inside grpc handler');
    expect(line).toMatchObject({ service: 'probe-svc', correlationId: 'corr-grpc-1' });
  });
});
