import { DeliveryError, type OutgoingMessage, type SendReceipt } from '../../../application/ports/notification-sender.port.js';
import { SmsTransport } from './channel-transports.js';

/**
 * SMS through an HTTP provider:
 *
 *     POST <OMS_SMS_URL>
 *     Authorization: Bearer <OMS_SMS_API_KEY>      (when set)
 *     Content-Type: application/json
 *     Idempotency-Key: <notification id>           (a retried send repeats it)
 *     {"to": "+14155550123", "message": "Your order ... has been successfully paid."}
 *
 * Any 2xx accepts the message; the provider's message id is the `id` of its JSON answer (kept
 * empty when there is none). Anything else, or no answer within the timeout, is a failure.
 */
export class HttpSmsTransport extends SmsTransport {
  constructor(
    private readonly url: string,
    private readonly apiKey: string | undefined,
    private readonly timeoutMs: number,
  ) {
    super();
  }

  async send(message: OutgoingMessage): Promise<SendReceipt> {
    let response: Response;
    try {
      response = await fetch(this.url, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          'idempotency-key': message.notificationId,
          ...(this.apiKey && { authorization: `Bearer ${this.apiKey}` }),
        },
        body: JSON.stringify({ to: message.to, message: message.body }),
        signal: AbortSignal.timeout(this.timeoutMs),
      });
    } catch (error) {
      throw new DeliveryError(`SMS provider unreachable: ${error instanceof Error ? error.message : String(error)}`, { cause: error });
    }
    const text = await response.text().catch(() => '');
    if (!response.ok) throw new DeliveryError(`SMS provider answered HTTP ${response.status}: ${text.slice(0, 200)}`);
    let id = '';
    try {
      const body = JSON.parse(text) as { id?: unknown };
      if (typeof body.id === 'string' || typeof body.id === 'number') id = String(body.id);
    } catch {
      // A 2xx without JSON still accepted the message; there is just no id to keep.
    }
    return { providerMessageId: id };
  }

  describe(): string {
    return `HTTP ${new URL(this.url).origin}${new URL(this.url).pathname}`;
  }
}
