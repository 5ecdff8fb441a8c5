import { credentials, loadPackageDefinition, Metadata, type ServiceError } from '@grpc/grpc-js';
import { loadSync } from '@grpc/proto-loader';
import { grpcLoaderOptions, notificationV1, PROTO_ROOT, protoFiles } from '#libs/contracts';
import { join } from 'node:path';
import { grpcFailure } from '#libs/testing';

/** What a gRPC caller observed. */
export type GrpcOutcome =
  | { ok: true; body: Record<string, any> }
  | { ok: false; status: string; reason?: string; fields: string[]; message: string };

export type NotificationMethod = 'SendNotification' | 'SetCustomerContact' | 'GetCustomerContact';

const codecs: Record<NotificationMethod, { req: notificationV1.MessageFns<any>; res: notificationV1.MessageFns<any> }> = {
  SendNotification: { req: notificationV1.SendNotificationRequest, res: notificationV1.SendNotificationResponse },
  SetCustomerContact: { req: notificationV1.SetCustomerContactRequest, res: notificationV1.SetCustomerContactResponse },
  GetCustomerContact: { req: notificationV1.GetCustomerContactRequest, res: notificationV1.GetCustomerContactResponse },
};

/** `oms.v1.NotificationService` over gRPC; requests and responses in proto3 JSON shape. */
export class NotificationGrpcClient {
  private readonly client: any;

  constructor(address: string) {
    const definition = loadSync(join(PROTO_ROOT, protoFiles.notification), { ...grpcLoaderOptions, includeDirs: [PROTO_ROOT] });
    const pkg = loadPackageDefinition(definition) as any;
    this.client = new pkg.oms.v1.NotificationService(address, credentials.createInsecure());
  }

  call(method: NotificationMethod, request: Record<string, unknown>, token?: string): Promise<GrpcOutcome> {
    const md = new Metadata();
    if (token) md.set('authorization', `Bearer ${token}`);
    const rpc = method.charAt(0).toLowerCase() + method.slice(1);
    return new Promise<GrpcOutcome>((resolve) => {
      this.client[rpc](codecs[method].req.fromJSON(request), md, { deadline: Date.now() + 15_000 }, (err: ServiceError | null, res: unknown) => {
        if (!err) {
          resolve({ ok: true, body: codecs[method].res.toJSON(res) as Record<string, any> });
          return;
        }
        const { status, message, reason, fields } = grpcFailure(err);
        resolve({ ok: false, status, message, reason, fields });
      });
    });
  }

  close(): void {
    this.client.close();
  }
}
