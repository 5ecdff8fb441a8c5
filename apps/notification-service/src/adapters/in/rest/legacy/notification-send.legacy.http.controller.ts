import { Body, Controller, HttpCode, Post, type OnModuleInit } from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import { Roles } from '#libs/auth';
import { Idempotent } from '#libs/idempotency';
import { installLegacyBodyFraming, LegacyRoute } from '#libs/legacy-api';
import { NotificationApi } from '../../notification.api.js';
import { LegacyNotificationExceptionFilter } from './legacy-exception.filter.js';

/** The seed's success answer, word for word. */
export const NOTIFICATION_SENT = Object.freeze({ code: 200, message: 'Notification sent successfully' });

/** Largest body of the route: a 2000-character message and its fields fit easily. */
export const NOTIFICATION_LEGACY_BODY_LIMIT = 32 * 1024;

/**
 * `POST /api/notification/send` of seed 000 (section 4): `{userId, notificationType: "email" |
 * "sms", subject, message}` goes to the stored contact of `userId` on that channel, synchronously;
 * answers `{"code": 200, "message": "Notification sent successfully"}` once the provider accepted
 * it. Internal: role `service` or `admin`. Failures are `{code, message}` with the same HTTP status:
 * 400 invalid body, 401 no or bad token, 403 not a service, 404 no stored address for that
 * channel, 415 not JSON, 503 the provider did not accept the message. A numeric `userId` is taken
 * as its decimal string, since legacy clients send ids either way.
 */
@Controller('api/notification')
@Roles('service', 'admin')
export class NotificationSendLegacyHttpController implements OnModuleInit {
  constructor(
    private readonly api: NotificationApi,
    private readonly adapterHost: HttpAdapterHost,
  ) {}

  onModuleInit(): void {
    installLegacyBodyFraming(this.adapterHost.httpAdapter?.getInstance());
  }

  @Post('send')
  @HttpCode(200)
  @Idempotent()
  @LegacyRoute(LegacyNotificationExceptionFilter, { bodyLimit: NOTIFICATION_LEGACY_BODY_LIMIT })
  async send(@Body() body: unknown): Promise<typeof NOTIFICATION_SENT> {
    await this.api.sendNotification(withStringUserId(body));
    return NOTIFICATION_SENT;
  }
}

function withStringUserId(body: unknown): unknown {
  if (body === null || typeof body !== 'object' || Array.isArray(body)) return body;
  const userId = (body as { userId?: unknown }).userId;
  return Number.isSafeInteger(userId) ? { ...body, userId: String(userId) } : body;
}
